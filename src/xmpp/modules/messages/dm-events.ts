// Direct-message room events as XMPP sees them: who the recipient is, who the sender is, and the
// stanza one event becomes for one recipient.
import { gatewayJid, jidOfPuppet } from '../../../core/addresses.js';
import type { Pdu } from '../../../core/events/types.js';
import { Jid } from '../../jid.js';
import { contentToMessage, readExtras } from '../../im/message-map.js';
import type { XmlElement } from '../../xml/element.js';
import type { ImContext } from '../presence/context.js';

/** The local account (localpart) an m.room.message in a DM room is for, or null. */
export function dmRecipient(im: ImContext, roomId: string, sender: string): string | null {
  const pair = im.core.directs.pairOf(roomId);
  if (!pair) return null;
  const other = pair[0] === sender ? pair[1] : pair[0];
  if (other === sender) return null;
  return im.core.accounts.localpartOf(other);
}

/** The bare XMPP address of a room member: a local account, a remote XMPP puppet, or a remote Matrix user. */
export function jidOfMember(im: ImContext, mxid: string): string | null {
  const local = im.core.accounts.localpartOf(mxid);
  if (local) return `${local}@${im.server.domain}`;
  const serverName = im.core.config.server_name;
  return jidOfPuppet(mxid, serverName) ?? gatewayJid(mxid, serverName);
}

/**
 * The XMPP address of an event's sender: a local account's bare JID (its full JID when the
 * event came from one of its XMPP resources), a remote XMPP user behind its puppet, or a remote
 * Matrix user on the gateway domain.
 */
export function senderJid(im: ImContext, pdu: Pdu): string | null {
  const serverName = im.core.config.server_name;
  const local = im.core.accounts.localpartOf(pdu.sender);
  if (local) {
    const bare = Jid.of(local, im.server.domain);
    if (!bare) return null;
    const resource = readExtras(pdu.content).from_resource;
    return ((resource && bare.withResource(resource)) || bare).toString();
  }
  return jidOfPuppet(pdu.sender, serverName) ?? gatewayJid(pdu.sender, serverName);
}

/** The stanza for one recipient; null when the event has nothing an XMPP client can show. */
export function stanzaForEvent(im: ImContext, eventId: string, pdu: Pdu, recipientBare: string, to: string, delayed = false): XmlElement | null {
  const from = senderJid(im, pdu);
  if (!from) return null;
  return contentToMessage(pdu.content, {
    eventId, from, to, archive: recipientBare, domain: im.server.domain,
    delayedSince: delayed ? pdu.origin_server_ts : undefined,
  });
}
