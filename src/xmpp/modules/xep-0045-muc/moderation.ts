// Deleting room messages: XEP-0425 moderation (urn:xmpp:message-moderate:1) and XEP-0424
// retraction of one's own message, both as a Matrix redaction; and every redaction of a room
// message, made from either protocol, to XMPP occupants as the XEP-0424 retraction (with the
// XEP-0425 <moderated/> when someone else's message was removed). Messages are named by their
// room stanza-id, which is the event id. A redacted event has no body any more, so history and
// MAM no longer hand it out (XEP-0424 §6: no further distribution).
import type { RoomEventNotice } from '../../../core/bus.js';
import type { Pdu } from '../../../core/events/types.js';
import type { StanzaErrorCondition } from '../../errors.js';
import type { XmlElement } from '../../xml/element.js';
import { actionLevel } from './affiliation.js';
import type { MucService } from './service.js';
import type { MucRoom, RoomOccupant } from './state.js';
import { NS_RETRACT } from '../../im/retraction.js';
import { MESSAGE_TYPES, NS_MODERATE, roomStanza } from './room-stanza.js';

export { NS_MODERATE, NS_RETRACT };

type Reply = { result(...c: XmlElement[]): void; error(condition: StanzaErrorCondition, text?: string): void };

/** The room message an XMPP id names (the stanza-id, i.e. the event id), or null. */
function roomMessage(svc: MucService, roomId: string, id: string | undefined): Pdu | null {
  const ev = id?.startsWith('$') ? svc.core.storage.events.getEvent(id) : undefined;
  return ev && ev.pdu.room_id === roomId && MESSAGE_TYPES.has(ev.pdu.type) ? ev.pdu : null;
}

/** Whether a redaction by `sender` takes effect on `target` (the Matrix rule: own, or the redact level). */
function mayRedact(svc: MucService, roomId: string, sender: string, target: Pdu): boolean {
  if (target.sender === sender) return true;
  return svc.levelOf(roomId, sender) >= actionLevel(svc.core.rooms.stateContent(roomId, 'm.room.power_levels'), 'redact');
}

async function redact(svc: MucService, roomId: string, sender: string, targetId: string, reason: string | undefined): Promise<void> {
  await svc.core.rooms.send(roomId, { type: 'm.room.redaction', sender, redacts: targetId, content: reason ? { reason } : {} });
}

/** XEP-0425 §3: <moderate id='stanza-id'><retract/><reason/></moderate> to the room. */
export function moderateIq(svc: MucService, roomId: string, mxid: string, moderate: XmlElement, reply: Reply): void {
  if (!moderate.getChild('retract', NS_RETRACT)) return reply.error('bad-request', 'only <retract/> moderation is supported');
  const target = roomMessage(svc, roomId, moderate.attr('id'));
  if (!target) return reply.error('item-not-found', 'no such message in this room');
  if (svc.core.rooms.membership(roomId, mxid) !== 'join' || !mayRedact(svc, roomId, mxid, target)) {
    return reply.error('forbidden', "only moderators may moderate other participants' messages");
  }
  redact(svc, roomId, mxid, moderate.attr('id')!, moderate.getChildText('reason') || undefined).then(() => reply.result(), (err) => {
    svc.logger.warn({ err, roomId }, 'muc: moderation failed');
    reply.error('internal-server-error');
  });
}

/** XEP-0424: an occupant's groupchat <retract id='stanza-id'/> of its own message. */
export function retractOwn(svc: MucService, room: MucRoom, occ: RoomOccupant, id: string, fail: (c: StanzaErrorCondition, text?: string) => void): void {
  if (id === '') return fail('bad-request', 'the retraction names no message (id is missing)');
  const target = roomMessage(svc, room.roomId, id);
  if (!target) return fail('item-not-found', 'no such message in this room (name it by its stanza-id)');
  // §6: a retraction is only for one's own messages; moderators use XEP-0425.
  if (target.sender !== occ.mxid) return fail('forbidden', 'only the author may retract a message');
  if (svc.core.storage.events.redactedBy(id) !== null) return; // already retracted
  redact(svc, room.roomId, occ.mxid, id, undefined).catch((err) => {
    svc.logger.warn({ err, room: room.jid }, 'muc: retraction failed');
    fail('internal-server-error');
  });
}

/**
 * A redaction of a room message or reaction, from either protocol, to XMPP occupants: the
 * retraction or moderation, or the reactor's reduced set (room-stanza.ts says which).
 */
export function onRedaction(svc: MucService, n: RoomEventNotice): void {
  svc.toOccupants(n.roomId, (room, to, seen) => (n.stream <= seen ? null : roomStanza(svc, room, n, to, 'live')));
}
