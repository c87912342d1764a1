// XEP-0333 displayed markers against the core's read receipts in DM rooms (src/xmpp/im/markers.ts
// is the pure half). An XMPP client's marker still reaches the peer's XMPP resources (and the
// sender's other ones, as a carbon) as it was sent; here a <displayed/> also becomes the
// sender's m.read receipt, which Matrix clients show and which resets their unread counts. A
// Matrix m.read becomes a <displayed/> for the newest markable message of the peer it covers.
import type { Pdu } from '../../../core/events/types.js';
import type { ReceiptChange } from '../../../core/ephemeral/receipts.js';
import { displayedStanza, isMarkable, readMarker } from '../../im/markers.js';
import { readExtras, XMPP_CONTENT_KEY } from '../../im/message-map.js';
import { routeMessage } from '../../im/routing.js';
import type { Jid } from '../../jid.js';
import type { C2sSession } from '../../stream/types.js';
import type { XmlElement } from '../../xml/element.js';
import type { ImContext } from '../presence/context.js';
import { blockedByRecipient } from '../xep-0191-blocking.js';
import { sendCarbons } from '../xep-0280-carbons.js';
import { jidOfMember } from './dm-events.js';
import { messageIdOf, resolveTarget, type Refusal } from './rich-events.js';

const ORIGIN = 'xmpp';
/** How far back from a receipt a markable message is looked for. */
const MARKABLE_SCAN = 100;

/**
 * A message an XMPP client may answer with a marker: one sent from XMPP with <markable/>, or
 * one from a Matrix client (its stanza carries <markable/>: messages/dm-stanza.ts).
 */
export function isMarkableEvent(pdu: Pdu): boolean {
  if (pdu.type !== 'm.room.message' || pdu.state_key !== undefined) return false;
  return !(XMPP_CONTENT_KEY in pdu.content) || isMarkable(readExtras(pdu.content).payload);
}

/**
 * A marker from a local session to a local account: a <displayed/> that names a message of their
 * DM room newer than the sender's read receipt becomes their m.read receipt. A marker without an
 * id is refused; one naming an unknown message only goes on to the peer (XEP-0333 §6: ignored).
 */
export function displayedToReceipt(im: ImContext, session: C2sSession, to: Jid, el: XmlElement): Refusal | null {
  const marker = readMarker(el);
  if (!marker) return null;
  if (marker.id === '') return { condition: 'bad-request', text: `The <${marker.kind}/> marker names no message (id is missing)` };
  if (marker.kind !== 'displayed') return null;
  const serverName = im.core.config.server_name;
  const sender = `@${session.username}:${serverName}`;
  const roomId = im.core.directs.find(sender, `@${to.local}:${serverName}`);
  const target = roomId ? resolveTarget(im, roomId, marker.id) : null;
  const at = target ? im.core.storage.events.getEvent(target.eventId)?.stream : undefined;
  if (!roomId || !target || at === undefined) return null;
  const read = im.core.receipts.readUpTo(roomId, sender);
  if (read !== null && at <= read) return null; // XEP-0333 §6: markers only move forward
  im.core.receipts.put(roomId, sender, 'm.read', target.eventId, null, ORIGIN).catch((err: unknown) => {
    im.server.logger.warn({ err, from: session.jid }, 'xmpp: displayed marker could not be stored as a receipt');
  });
  return null;
}

/** Matrix m.read receipts in DM rooms as <displayed/> markers: to the peer, and to the reader's own XMPP resources as carbons. */
export function receiptsToMarkers(im: ImContext): () => void {
  return im.core.receipts.onChange((c) => {
    if (c.origin === ORIGIN || c.type !== 'm.read' || (c.threadId !== null && c.threadId !== 'main')) return;
    const pair = im.core.directs.pairOf(c.roomId);
    if (!pair || !pair.includes(c.userId)) return;
    const peer = pair[0] === c.userId ? pair[1] : pair[0];
    const marked = newestMarkable(im, c, peer);
    const from = jidOfMember(im, c.userId);
    const peerJid = jidOfMember(im, peer);
    if (!marked || !from || !peerJid) return;
    const stanza = displayedStanza({ from, to: peerJid, id: messageIdOf(im, marked) });
    const peerLocal = im.core.accounts.localpartOf(peer);
    if (peerLocal && !blockedByRecipient(im.core, peerLocal, c.userId)) {
      const decision = routeMessage('chat', null, im.tracker.views(peerJid));
      if (decision.kind === 'deliver') {
        const wire = stanza.toString();
        for (const r of decision.resources) im.server.sessionFor(`${peerJid}/${r}`)?.send(wire);
      }
    }
    // XEP-0280: the reader's XMPP clients learn what was read on another device.
    if (im.core.accounts.localpartOf(c.userId)) sendCarbons(im.server, 'sent', from, stanza, []);
  });
}

/** The newest markable, unretracted message of `peer` at or before the receipt's event. */
function newestMarkable(im: ImContext, c: ReceiptChange, peer: string): string | null {
  const events = im.core.storage.events;
  const read = events.getEvent(c.eventId);
  if (!read || read.pdu.room_id !== c.roomId) return null;
  const hit = events.roomEventsBefore(c.roomId, read.stream + 1, MARKABLE_SCAN)
    .find((e) => e.pdu.sender === peer && isMarkableEvent(e.pdu) && events.redactedBy(e.eventId) === null);
  return hit?.eventId ?? null;
}
