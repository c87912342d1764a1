// The one place that decides what a room event is for an XMPP occupant, for every way it reaches
// one: live, the history on entering and the room's archive (MAM). The room's counterpart of
// messages/dm-stanza.ts, made of the same pure pieces (im/rich-map.ts, im/retraction.ts), so that
// a reaction, a correction, a reply or a retraction looks the same live and in the archive.
//
//   m.room.message, m.sticker,  the groupchat message from the sender's occupant JID, with
//   m.room.encrypted            <replace/> or <reply/> for its relation; once redacted: nothing
//                               live or in the history, a tombstone in the archive (XEP-0424 §4,
//                               XEP-0425 §5)
//   m.reaction                  XEP-0444: the reactor's current set on the message
//   m.room.redaction            of a reaction: the reduced set; of a message: the XEP-0424
//                               retraction from its author, or the XEP-0425 moderation from the room
//   m.room.topic                the subject change from the setter's occupant JID (XEP-0313 §6.2
//                               archives subject changes too)
// Messages are named by their room stanza-id, which is the event id.
import type { Pdu } from '../../../core/events/types.js';
import type { StoredEvent } from '../../../core/ports.js';
import { NS_HINTS, NS_REACTIONS, annotationOf } from '../../im/rich-map.js';
import { NS_RETRACT, tombstone } from '../../im/retraction.js';
import { x, type XmlElement } from '../../xml/element.js';
import { bodyOfEvent } from './mapping.js';
import { NS_MUC_USER, NS_SID } from './ns.js';
import { occupantIdElement } from './occupant-id.js';
import { fromContent } from './payload.js';
import { heldReactions, withRoomRelationElements } from './room-rich.js';
import type { MucService } from './service.js';
import type { MucRoom } from './state.js';
import { groupchatMessage, subjectMessage } from './stanzas.js';

export const NS_MODERATE = 'urn:xmpp:message-moderate:1';
/** Event types an XMPP client sees as messages, and so can retract. */
export const MESSAGE_TYPES = new Set(['m.room.message', 'm.sticker', 'm.room.encrypted']);

/** live: as it happens; history: on entering, with a <delay/>; archive: a MAM result (no 'to', tombstones). */
export type RoomView = 'live' | 'history' | 'archive';

interface RoomEvent { eventId: string; pdu: Pdu }

/** The message a redaction took effect on (a message or a reaction of the same room), or null. */
export function redactedBy(svc: MucService, ev: RoomEvent): StoredEvent | null {
  if (ev.pdu.type !== 'm.room.redaction') return null;
  const targetId = typeof ev.pdu.redacts === 'string' ? ev.pdu.redacts : typeof ev.pdu.content.redacts === 'string' ? ev.pdu.content.redacts : undefined;
  // Accepted by the auth rules but not applied (no redact level, not the author): nothing happened.
  if (!targetId || svc.core.storage.events.redactedBy(targetId) !== ev.eventId) return null;
  const target = svc.core.storage.events.getEvent(targetId);
  return target && target.pdu.room_id === ev.pdu.room_id ? target : null;
}

/** Whether a room event is something an archive hands out (see the table above). */
export function isRoomItem(svc: MucService, ev: RoomEvent): boolean {
  const { pdu } = ev;
  if (pdu.state_key !== undefined) return pdu.type === 'm.room.topic' && pdu.state_key === '';
  if (MESSAGE_TYPES.has(pdu.type)) return bodyOfEvent(pdu) !== null || svc.core.storage.events.redactedBy(ev.eventId) !== null;
  if (pdu.type === 'm.reaction') return annotationOf(pdu.content) !== null && svc.core.storage.events.redactedBy(ev.eventId) === null;
  if (pdu.type === 'm.room.redaction') {
    const target = redactedBy(svc, ev);
    return target !== null && (MESSAGE_TYPES.has(target.pdu.type) || target.pdu.type === 'm.reaction');
  }
  return false;
}

/** The stanza a room event is for the occupant `to` ('' in the archive), or null when it is nothing for XMPP. */
export function roomStanza(svc: MucService, room: MucRoom, ev: RoomEvent, to: string, view: RoomView): XmlElement | null {
  const { pdu } = ev;
  if (pdu.state_key !== undefined) {
    if (pdu.type !== 'm.room.topic' || pdu.state_key !== '') return null;
    return subjectMessage(room.jid, svc.nickFor(room, pdu.sender), to, typeof pdu.content.topic === 'string' ? pdu.content.topic : '', { id: ev.eventId });
  }
  if (MESSAGE_TYPES.has(pdu.type)) return messageStanza(svc, room, ev, to, view);
  if (pdu.type === 'm.reaction') {
    return svc.core.storage.events.redactedBy(ev.eventId) === null ? reactionStanza(svc, room, ev.eventId, pdu, to) : null;
  }
  const target = redactedBy(svc, ev);
  if (!target) return null;
  if (target.pdu.type === 'm.reaction') return reactionStanza(svc, room, ev.eventId, target.pdu, to);
  return MESSAGE_TYPES.has(target.pdu.type) ? retractionStanza(svc, room, ev, target.eventId, target.pdu, to) : null;
}

/** A message event as a groupchat message; a redacted one is a tombstone in the archive and nothing elsewhere. */
export function messageStanza(svc: MucService, room: MucRoom, ev: RoomEvent, to: string, view: RoomView): XmlElement | null {
  const { eventId, pdu } = ev;
  const retraction = svc.core.storage.events.redactedBy(eventId);
  // XEP-0424 §6: no further distribution of a retracted message; the archive keeps its place.
  if (retraction !== null) return view === 'archive' ? tombstoneOf(svc, room, ev, retraction) : null;
  const body = bodyOfEvent(pdu);
  if (body === null) return null;
  const { id, children } = fromContent(pdu.content, svc.addr);
  // XEP-0313 §6.2: the archive drops the occupants' own muc#user <x/> (it adds its own <item/>).
  const kept = view === 'archive' ? children.filter((c) => !(c.name === 'x' && c.attr('xmlns') === NS_MUC_USER)) : children;
  return withRoomRelationElements(svc, room, pdu, groupchatMessage(room.jid, svc.nickFor(room, pdu.sender), to, {
    id: id ?? eventId, body, extra: kept, eventId, occupantId: svc.occupantIds.of(room.roomId, pdu.sender),
    delayTs: view === 'history' ? pdu.origin_server_ts : undefined,
  }));
}

/** XEP-0444 §4: the reacting occupant's whole current set for the message, from its occupant JID. */
export function reactionStanza(svc: MucService, room: MucRoom, eventId: string, reaction: Pdu, to: string): XmlElement | null {
  const ann = annotationOf(reaction.content);
  if (!ann) return null;
  const keys = [...new Set(heldReactions(svc, ann.eventId, reaction.sender).map((h) => h.key))];
  return x('message', { type: 'groupchat', id: eventId, from: `${room.jid}/${svc.nickFor(room, reaction.sender)}`, to },
    x('reactions', { xmlns: NS_REACTIONS, id: ann.eventId }, keys.map((k) => x('reaction', null, k))),
    x('store', { xmlns: NS_HINTS }),
    occupantIdElement(svc.occupantIds.of(room.roomId, reaction.sender)),
    x('stanza-id', { xmlns: NS_SID, by: room.jid, id: eventId }));
}

/** The <moderated/> and <reason/> of a redaction by someone other than the author (XEP-0425). */
function moderation(svc: MucService, room: MucRoom, redaction: Pdu, target: Pdu): XmlElement[] {
  const reason = typeof redaction.content.reason === 'string' && redaction.content.reason !== '' ? redaction.content.reason : undefined;
  const moderated = redaction.sender !== target.sender
    ? x('moderated', { xmlns: NS_MODERATE, by: `${room.jid}/${svc.nickFor(room, redaction.sender)}` }, occupantIdElement(svc.occupantIds.of(room.roomId, redaction.sender)))
    : null;
  return moderated ? [moderated, ...(reason ? [x('reason', {}, reason)] : [])] : [];
}

/** A redaction of a message: by its author the XEP-0424 retraction, by someone else the XEP-0425 moderation from the room. */
export function retractionStanza(svc: MucService, room: MucRoom, redaction: RoomEvent, targetId: string, target: Pdu, to: string): XmlElement {
  const mod = moderation(svc, room, redaction.pdu, target);
  const moderated = mod.length > 0;
  return x('message', { type: 'groupchat', id: redaction.eventId, from: moderated ? room.jid : `${room.jid}/${svc.nickFor(room, redaction.pdu.sender)}`, to },
    x('retract', { xmlns: NS_RETRACT, id: targetId }, mod),
    moderated ? null : occupantIdElement(svc.occupantIds.of(room.roomId, redaction.pdu.sender)),
    x('stanza-id', { xmlns: NS_SID, by: room.jid, id: redaction.eventId }));
}

/** XEP-0424 §4 / XEP-0425 §5: the retracted message's envelope, naming the retraction (by the id it was sent with). */
function tombstoneOf(svc: MucService, room: MucRoom, ev: RoomEvent, retractionId: string): XmlElement | null {
  const retraction = svc.core.storage.events.getEvent(retractionId);
  if (!retraction) return null;
  return tombstone({
    type: 'groupchat', id: fromContent(ev.pdu.content, svc.addr).id ?? ev.eventId,
    from: `${room.jid}/${svc.nickFor(room, ev.pdu.sender)}`, retractionId, stamp: retraction.pdu.origin_server_ts,
    keep: [occupantIdElement(svc.occupantIds.of(room.roomId, ev.pdu.sender)), x('stanza-id', { xmlns: NS_SID, by: room.jid, id: ev.eventId })],
    inside: moderation(svc, room, retraction.pdu, ev.pdu),
  });
}
