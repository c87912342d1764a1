// Reactions (XEP-0444), corrections (XEP-0308) and replies (XEP-0461) in rooms, onto the Matrix
// relations m.annotation, m.replace and m.in_reply_to, with the pure mappings the one-to-one chat
// uses (src/xmpp/im/rich-map.ts). In a room a message is named by its room stanza-id, which is its
// event id (and its archive id); a correction may also name the sender's own message id, which
// the room reflected (muc#stable_id), so that resolves too.
import type { JsonObject, Pdu } from '../../../core/events/types.js';
import type { RelationRow } from '../../../core/ports.js';
import { readExtras, XMPP_CONTENT_KEY } from '../../im/message-map.js';
import {
  asReplacement, asReply, isMappedRelation, originIdOf, reactionContent, reactionDiff,
  readReactions, readRelations, relationOf, stripReplyFallback, withRelationElements,
} from '../../im/rich-map.js';
import type { XmlElement } from '../../xml/element.js';
import type { MucService } from './service.js';
import type { MucRoom, RoomOccupant } from './state.js';

/** How far back a message's own id (not an event id) is looked for. */
const ID_SCAN_LIMIT = 500;
const RELATION_LIMIT = 500;

/** The message of the room an XMPP id names: an event id (the stanza-id), else a recent message's own id. */
export function resolveInRoom(svc: MucService, roomId: string, id: string): (Pdu & { eventId: string }) | null {
  const events = svc.core.storage.events;
  const direct = id.startsWith('$') ? events.getEvent(id) : null;
  if (direct) return direct.pdu.room_id === roomId ? { ...direct.pdu, eventId: direct.eventId } : null;
  const hit = events.roomEventsBefore(roomId, events.maxStream() + 1, ID_SCAN_LIMIT).find((e) => {
    if (e.pdu.type !== 'm.room.message') return false;
    const extras = readExtras(e.pdu.content);
    return extras.id === id || originIdOf(extras.payload) === id;
  });
  return hit ? { ...hit.pdu, eventId: hit.eventId } : null;
}

/** The sender's live (unredacted) reactions to a message. */
export function heldReactions(svc: MucService, target: string, sender: string): { eventId: string; key: string }[] {
  const rows = svc.core.storage.relations.children(target, 0, svc.core.storage.events.maxStream(), RELATION_LIMIT, false);
  return rows.filter((r: RelationRow) => r.type === 'm.reaction' && r.relType === 'm.annotation' && r.sender === sender && r.key !== null)
    .map((r) => ({ eventId: r.eventId, key: r.key! }));
}

/**
 * An occupant's XEP-0444 reactions: m.reaction events for the new ones and redactions of those
 * withdrawn. False when the stanza holds none or its target is not a message of the room.
 */
export function reactionsFromOccupant(svc: MucService, room: MucRoom, occ: RoomOccupant, stanza: XmlElement): Promise<void> | false {
  const wanted = readReactions(stanza);
  const target = wanted ? resolveInRoom(svc, room.roomId, wanted.id) : null;
  if (!wanted || !target) return false;
  const diff = reactionDiff(heldReactions(svc, target.eventId, occ.mxid), wanted.keys);
  const extras: JsonObject = stanza.attr('id') ? { id: stanza.attr('id')! } : {};
  const sends = [
    ...diff.add.map((key) => svc.core.rooms.send(room.roomId, { type: 'm.reaction', sender: occ.mxid, content: { ...reactionContent(target.eventId, key), [XMPP_CONTENT_KEY]: extras } })),
    ...diff.redact.map((id) => svc.core.rooms.send(room.roomId, { type: 'm.room.redaction', sender: occ.mxid, redacts: id, content: {} })),
  ];
  return Promise.all(sends).then(() => undefined);
}

/**
 * The content of an occupant's message with the relation its XEP-0308 / XEP-0461 element asks
 * for, when the target resolves (a correction only of the sender's own message); `mapped` says
 * whether the relation elements became the relation (and so are not kept as payload).
 */
export function withRoomRelations(svc: MucService, room: MucRoom, sender: string, stanza: XmlElement, content: JsonObject): { content: JsonObject; mapped: boolean } {
  const rel = readRelations(stanza);
  if (rel.replaceId) {
    const target = resolveInRoom(svc, room.roomId, rel.replaceId);
    if (target && target.sender === sender && target.type === 'm.room.message') return { content: asReplacement(content, target.eventId), mapped: true };
  }
  if (rel.replyId) {
    const target = resolveInRoom(svc, room.roomId, rel.replyId);
    if (target) {
      const body = typeof content.body === 'string' ? stripReplyFallback(stanza, content.body) : content.body;
      return { content: asReply({ ...content, body }, target.eventId), mapped: true };
    }
  }
  return { content, mapped: false };
}

/** The payload children to keep from a message whose relation was mapped. */
export function withoutMappedRelations(stanza: XmlElement, children: XmlElement[]): XmlElement[] {
  return children.filter((c) => !isMappedRelation(stanza, c));
}

/** The id an occupant saw on a room message: the sender's own id when it came from XMPP, else the event id. */
function shownIdOf(svc: MucService, eventId: string): string {
  const ev = svc.core.storage.events.getEvent(eventId);
  return (ev && readExtras(ev.pdu.content).id) ?? eventId;
}

/**
 * The groupchat stanza of a message event with its relation as XEP-0308 (naming the message by
 * the id occupants saw on it) or XEP-0461 (by its stanza-id, to the author's occupant JID).
 */
export function withRoomRelationElements(svc: MucService, room: MucRoom, pdu: Pdu, stanza: XmlElement): XmlElement {
  const rel = relationOf(pdu.content);
  if (rel.replaces) return withRelationElements(stanza, { replaceId: shownIdOf(svc, rel.replaces) });
  if (rel.inReplyTo) {
    const target = svc.core.storage.events.getEvent(rel.inReplyTo);
    const to = target ? `${room.jid}/${svc.nickFor(room, target.pdu.sender)}` : undefined;
    return withRelationElements(stanza, { reply: { id: rel.inReplyTo, to } });
  }
  return stanza;
}
