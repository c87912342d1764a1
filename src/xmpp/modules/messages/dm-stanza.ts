// The one place that decides what an event of a direct-message room is for an XMPP client, for
// every way it reaches one: live delivery, carbons, offline delivery and the archive (MAM). So a
// reaction, a correction, a reply or a retraction looks the same whichever way it comes.
//
//   m.room.message             the message (with <replace/> or <reply/> for its relation, and
//                              <markable/> when it came from a Matrix client);
//                              once redacted: nothing live or offline, a tombstone in the archive
//   m.reaction                 XEP-0444: the sender's current reaction set on the message
//   m.room.redaction           of a reaction: the reduced set; of the redacter's own message: an
//                              XEP-0424 retraction; of someone else's message: nothing (XEP-0424
//                              lets only the author retract in a one-to-one chat)
//   m.room.encrypted           a plain message saying so (ENCRYPTED_FALLBACK), with <no-copy/>
import type { Pdu } from '../../../core/events/types.js';
import type { CoreServices } from '../../../core/services.js';
import type { StoredEvent } from '../../../core/ports.js';
import { bodyOf, readExtras, XMPP_CONTENT_KEY } from '../../im/message-map.js';
import { markableElement } from '../../im/markers.js';
import { NS_DELAY } from '../../im/payload.js';
import { annotationOf, NS_HINTS } from '../../im/rich-map.js';
import { retractionStanza, tombstone } from '../../im/retraction.js';
import { x, type XmlElement } from '../../xml/element.js';
import type { ImContext } from '../presence/context.js';
import { senderJid, stanzaForEvent } from './dm-events.js';
import { messageIdOf, reactionStanzaFor, withRelationStanza } from './rich-events.js';

/** What an XMPP client shows for an m.room.encrypted event. */
export const ENCRYPTED_FALLBACK = '[encrypted message from a Matrix client that this XMPP client cannot read]';

/** live: as it happens; offline: late, with a <delay/>; archive: a MAM result (tombstones included). */
export type DmView = 'live' | 'offline' | 'archive';

interface DmEvent { eventId: string; pdu: Pdu }

/** The event a redaction took effect on, or null (not a redaction, or one that changed nothing). */
export function redactedTarget(core: CoreServices, ev: DmEvent): StoredEvent | null {
  if (ev.pdu.type !== 'm.room.redaction') return null;
  const targetId = typeof ev.pdu.content.redacts === 'string' ? ev.pdu.content.redacts : ev.pdu.redacts;
  if (!targetId || core.storage.events.redactedBy(targetId) !== ev.eventId) return null;
  const target = core.storage.events.getEvent(targetId);
  return target && target.pdu.room_id === ev.pdu.room_id ? target : null;
}

/** Whether an event of a DM room is something an XMPP client is given (see the table above). */
export function isDmItem(core: CoreServices, ev: DmEvent): boolean {
  const { pdu } = ev;
  if (pdu.state_key !== undefined) return false;
  switch (pdu.type) {
    case 'm.room.message': return bodyOf(pdu.content) !== null;
    case 'm.room.encrypted': return true;
    case 'm.reaction': return annotationOf(pdu.content) !== null && core.storage.events.redactedBy(ev.eventId) === null;
    case 'm.room.redaction': {
      const target = redactedTarget(core, ev);
      return target !== null && (target.pdu.type === 'm.reaction' || (target.pdu.type === 'm.room.message' && target.pdu.sender === pdu.sender));
    }
    default: return false;
  }
}

/**
 * The stanza an event becomes for one XMPP client: `archive` is the bare JID of the account
 * whose copy it is (its stanza-id's 'by'), `to` the address it is written to.
 */
export function dmStanza(im: ImContext, ev: DmEvent, archive: string, to: string, view: DmView): XmlElement | null {
  if (!isDmItem(im.core, ev)) return null;
  const { eventId, pdu } = ev;
  const id = readExtras(pdu.content).id ?? eventId;
  if (pdu.type === 'm.room.message') {
    // Live, the event was just committed: a redaction of it, even one in the same commit, is
    // delivered after it as a retraction. Only later views (offline, archive) must look.
    const retraction = view === 'live' ? null : im.core.storage.events.redactedBy(eventId);
    if (retraction) return view === 'archive' ? tombstoneOf(im, ev, to, retraction) : null;
    const stanza = stanzaForEvent(im, eventId, pdu, archive, to, view === 'offline');
    if (!stanza) return null;
    // XEP-0333: XMPP clients mark what they read only in messages that ask for it, and a Matrix
    // client's message asks: its <displayed/> becomes the reader's m.read (messages/markers.ts).
    const marked = XMPP_CONTENT_KEY in pdu.content ? stanza : stanza.withChildren([...stanza.children, markableElement()]);
    return withRelationStanza(im, pdu, marked);
  }
  if (pdu.type === 'm.room.encrypted') {
    // A server cannot decrypt Megolm (nor turn it into OMEMO): the XMPP client learns that a
    // message came, in words. Every resource gets it directly, so no carbon copies it again.
    const said = stanzaForEvent(im, eventId, { ...pdu, content: { msgtype: 'm.notice', body: ENCRYPTED_FALLBACK } }, archive, to, view === 'offline');
    return said && said.withChildren([...said.children, x('no-copy', { xmlns: NS_HINTS })]);
  }
  if (pdu.type === 'm.reaction') return late(im, reactionStanzaFor(im, id, pdu, to), pdu, view);
  const target = redactedTarget(im.core, ev)!;
  if (target.pdu.type === 'm.reaction') return late(im, reactionStanzaFor(im, id, target.pdu, to), pdu, view);
  const from = senderJid(im, pdu);
  return from === null ? null : late(im, retractionStanza({
    id, from, to, targetId: messageIdOf(im, target.eventId), stanzaId: eventId, archive,
  }), pdu, view);
}

/** XEP-0424 §4: the archive keeps the retracted message's place, without its content. */
function tombstoneOf(im: ImContext, ev: DmEvent, to: string, retractionId: string): XmlElement | null {
  const from = senderJid(im, ev.pdu);
  const retraction = im.core.storage.events.getEvent(retractionId);
  if (!from || !retraction) return null;
  return tombstone({
    id: readExtras(ev.pdu.content).id ?? ev.eventId, from, to,
    retractionId: readExtras(retraction.pdu.content).id ?? retractionId, stamp: retraction.pdu.origin_server_ts,
  });
}

/** Offline copies say when they were sent (XEP-0203), like offline messages. */
function late(im: ImContext, stanza: XmlElement | null, pdu: Pdu, view: DmView): XmlElement | null {
  if (!stanza || view !== 'offline') return stanza;
  return stanza.withChildren([...stanza.children,
    x('delay', { xmlns: NS_DELAY, from: im.server.domain, stamp: new Date(pdu.origin_server_ts).toISOString() })]);
}
