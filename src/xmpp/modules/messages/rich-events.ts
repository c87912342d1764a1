// Reactions, corrections and replies of one-to-one chats against the DM room (DESIGN §1): the
// storage half of src/xmpp/im/rich-map.ts. An XMPP client names a message by the stanza-id it
// got (the event id) or by the message's own id (kept as org.hearth.xmpp.id); both resolve here.
import type { JsonObject, Pdu } from '../../../core/events/types.js';
import type { RelationRow } from '../../../core/ports.js';
import type { Jid } from '../../jid.js';
import type { XmlElement } from '../../xml/element.js';
import { readExtras, XMPP_CONTENT_KEY } from '../../im/message-map.js';
import {
  annotationOf, asReplacement, asReply, originIdOf, reactionContent, reactionDiff, reactionsStanza, readReactions, readRelations,
  relationOf, withRelationElements,
} from '../../im/rich-map.js';
import type { C2sSession } from '../../stream/types.js';
import type { StanzaErrorCondition } from '../../errors.js';
import { readRetraction } from '../../im/retraction.js';
import type { ImContext } from '../presence/context.js';
import { senderJid } from './dm-events.js';

/** How far back a message id (not an event id) is looked for: recent messages are what people react to. */
const ID_SCAN_LIMIT = 500;
/** Reactions of one message read at most; more than this on one message is not a chat. */
const RELATION_LIMIT = 500;

/** The event an XMPP id names in the room: an event id, else the newest message with that stanza id. */
export function resolveTarget(im: ImContext, roomId: string, id: string): Pdu & { eventId: string } | null {
  const events = im.core.storage.events;
  const direct = id.startsWith('$') ? events.getEvent(id) : null;
  if (direct && direct.pdu.room_id === roomId) return { ...direct.pdu, eventId: direct.eventId };
  const recent = events.roomEventsBefore(roomId, events.maxStream() + 1, ID_SCAN_LIMIT);
  const hit = recent.find((e) => {
    if (e.pdu.type !== 'm.room.message') return false;
    const extras = readExtras(e.pdu.content);
    return extras.id === id || originIdOf(extras.payload) === id;
  });
  return hit ? { ...hit.pdu, eventId: hit.eventId } : null;
}

/** The id the XMPP recipient knows a message by: its origin-id, else its stanza id, else the event id. */
export function xmppIdOf(im: ImContext, eventId: string): string {
  const ev = im.core.storage.events.getEvent(eventId);
  if (!ev) return eventId;
  const extras = readExtras(ev.pdu.content);
  return originIdOf(extras.payload) ?? extras.id ?? eventId;
}

/** The sender's live (unredacted) reactions to an event. */
export function heldReactions(im: ImContext, target: string, sender: string): { eventId: string; key: string }[] {
  const rows = im.core.storage.relations.children(target, 0, im.core.storage.events.maxStream(), RELATION_LIMIT, false);
  return rows.filter((r: RelationRow) => r.type === 'm.reaction' && r.relType === 'm.annotation' && r.sender === sender && r.key !== null)
    .map((r) => ({ eventId: r.eventId, key: r.key! }));
}

/**
 * An XEP-0444 stanza: the additions become m.reaction events and the withdrawn reactions are
 * redacted. False when it does not apply (no DM room or unknown target): then it is routed as is.
 */
export function reactionsToEvents(im: ImContext, session: C2sSession, to: Jid, el: XmlElement): Promise<void> | null {
  const wanted = readReactions(el);
  if (!wanted) return null;
  const serverName = im.core.config.server_name;
  const sender = `@${session.username}:${serverName}`;
  const roomId = im.core.directs.find(sender, `@${to.local}:${serverName}`);
  const target = roomId ? resolveTarget(im, roomId, wanted.id) : null;
  if (!roomId || !target) return null;
  const diff = reactionDiff(heldReactions(im, target.eventId, sender), wanted.keys);
  const extras: JsonObject = { from_resource: session.resource };
  if (el.attr('id')) extras.id = el.attr('id')!;
  const sends = [
    ...diff.add.map((key) => im.core.rooms.send(roomId, {
      type: 'm.reaction', sender, content: { ...reactionContent(target.eventId, key), [XMPP_CONTENT_KEY]: extras },
    })),
    ...diff.redact.map((id) => im.core.rooms.send(roomId, { type: 'm.room.redaction', sender, redacts: id, content: { [XMPP_CONTENT_KEY]: extras } })),
  ];
  return Promise.all(sends).then(() => undefined);
}

/** A retraction refused: the stanza error it is answered with. */
export interface Refusal { condition: StanzaErrorCondition; text: string }

/**
 * An XEP-0424 retraction: the redaction of the sender's own message in the pair's DM room. Null
 * when the stanza is no retraction; a refusal when it names no message of the room, or one that
 * is not the sender's (XEP-0424 §5: only the author may retract, in a one-to-one chat).
 */
export function retractionToEvent(im: ImContext, session: C2sSession, to: Jid, el: XmlElement): Promise<void> | Refusal | null {
  const id = readRetraction(el);
  if (id === null) return null;
  if (id === '') return { condition: 'bad-request', text: 'The retraction names no message (id is missing)' };
  const serverName = im.core.config.server_name;
  const sender = `@${session.username}:${serverName}`;
  const roomId = im.core.directs.find(sender, `@${to.local}:${serverName}`);
  const target = roomId ? resolveTarget(im, roomId, id) : null;
  if (!roomId || !target || target.type !== 'm.room.message') return { condition: 'item-not-found', text: `No message '${id}' in this conversation` };
  if (target.sender !== sender) return { condition: 'forbidden', text: 'Only the author of a message can retract it' };
  if (im.core.storage.events.redactedBy(target.eventId)) return Promise.resolve(); // already retracted
  const extras: JsonObject = { from_resource: session.resource };
  if (el.attr('id')) extras.id = el.attr('id')!;
  return im.core.rooms.send(roomId, {
    type: 'm.room.redaction', sender, redacts: target.eventId, content: { [XMPP_CONTENT_KEY]: extras },
  }).then(() => undefined);
}

/** The id attribute the XMPP recipient saw on a message: the sender's stanza id, else the event id (XEP-0424 §4.1). */
export function messageIdOf(im: ImContext, eventId: string): string {
  const ev = im.core.storage.events.getEvent(eventId);
  return (ev && readExtras(ev.pdu.content).id) ?? eventId;
}

/** A corrected or replying message's content with its Matrix relation, when the target resolves. */
export function withRelations(im: ImContext, sender: string, recipient: string, el: XmlElement, content: JsonObject): JsonObject {
  const rel = readRelations(el);
  if (!rel.replaceId && !rel.replyId) return content;
  const roomId = im.core.directs.find(sender, recipient);
  if (!roomId) return content;
  if (rel.replaceId) {
    const target = resolveTarget(im, roomId, rel.replaceId);
    // Only one's own messages can be replaced (XEP-0308 §5, and the spec's validity rules).
    if (target && target.sender === sender && target.type === 'm.room.message') return asReplacement(content, target.eventId);
  }
  if (rel.replyId) {
    const target = resolveTarget(im, roomId, rel.replyId);
    if (target) return asReply(content, target.eventId);
  }
  return content;
}

/** The stanza of an m.room.message with its XEP-0308 / XEP-0461 element added. */
export function withRelationStanza(im: ImContext, pdu: Pdu, stanza: XmlElement): XmlElement {
  const rel = relationOf(pdu.content);
  if (rel.replaces) return withRelationElements(stanza, { replaceId: xmppIdOf(im, rel.replaces) });
  if (rel.inReplyTo) {
    const target = im.core.storage.events.getEvent(rel.inReplyTo);
    const author = target ? senderJid(im, target.pdu) : null;
    return withRelationElements(stanza, { reply: { id: xmppIdOf(im, rel.inReplyTo), to: author?.split('/')[0] } });
  }
  return stanza;
}

/** The XEP-0444 stanza for an m.reaction (added or redacted): the sender's whole current set on that message. */
export function reactionStanzaFor(im: ImContext, stanzaId: string, pdu: Pdu, to: string): XmlElement | null {
  const ann = annotationOf(pdu.content);
  const from = senderJid(im, pdu);
  if (!ann || !from) return null;
  const keys = heldReactions(im, ann.eventId, pdu.sender).map((h) => h.key);
  return reactionsStanza({ id: stanzaId, from, to, targetId: xmppIdOf(im, ann.eventId), keys: [...new Set(keys)] });
}
