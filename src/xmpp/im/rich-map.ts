// Reactions (XEP-0444), corrections (XEP-0308) and replies (XEP-0461) for one-to-one chats, and
// their Matrix relations (m.annotation, m.replace, m.in_reply_to). Pure: resolving the ids an
// XMPP client names to event ids, and back, needs storage and is done by the caller
// (modules/messages/rich-events.ts); see docs/bridge-mapping.md.
import type { JsonObject } from '../../core/events/types.js';
import { x, type XmlElement } from '../xml/element.js';
import { NS_SID, parseFragment } from './payload.js';

export const NS_REACTIONS = 'urn:xmpp:reactions:0';
export const NS_CORRECT = 'urn:xmpp:message-correct:0';
export const NS_REPLY = 'urn:xmpp:reply:0';
export const NS_FALLBACK = 'urn:xmpp:fallback:0';
export const NS_HINTS = 'urn:xmpp:hints';
/** XEP-0444 lets a service cap reactions per message; more than this is not a reaction set. */
const MAX_REACTIONS = 50;

/** The <reactions/> of a stanza: the target id and the sender's whole current set, deduplicated. */
export function readReactions(stanza: XmlElement): { id: string; keys: string[] } | null {
  const el = stanza.getChild('reactions', NS_REACTIONS);
  const id = el?.attr('id');
  if (!el || !id) return null;
  const keys = [...new Set(el.getChildren('reaction', NS_REACTIONS).map((r) => r.text()).filter((k) => k.length > 0))];
  return { id, keys: keys.slice(0, MAX_REACTIONS) };
}

export interface HeldReaction { eventId: string; key: string }

/** XEP-0444 §4: the stanza is the full set, so what is not in it any more is withdrawn. */
export function reactionDiff(held: HeldReaction[], wanted: string[]): { add: string[]; redact: string[] } {
  const heldKeys = new Set(held.map((h) => h.key));
  const want = new Set(wanted);
  return {
    add: wanted.filter((k) => !heldKeys.has(k)),
    redact: held.filter((h) => !want.has(h.key)).map((h) => h.eventId),
  };
}

export function reactionContent(targetEventId: string, key: string): JsonObject {
  return { 'm.relates_to': { rel_type: 'm.annotation', event_id: targetEventId, key } };
}

/** The reactions stanza for one recipient: the sender's current set for the target. */
export function reactionsStanza(a: { id: string; from: string; to: string; targetId: string; keys: string[] }): XmlElement {
  return x('message', { type: 'chat', id: a.id, from: a.from, to: a.to },
    x('reactions', { xmlns: NS_REACTIONS, id: a.targetId }, a.keys.map((k) => x('reaction', null, k))),
    x('store', { xmlns: NS_HINTS })); // XEP-0444 §6: bodyless, so ask archives to keep it
}

/** The relations a stanza with a body asks for: the id it corrects and the id it replies to. */
export function readRelations(stanza: XmlElement): { replaceId?: string; replyId?: string } {
  const out: { replaceId?: string; replyId?: string } = {};
  const replace = stanza.getChild('replace', NS_CORRECT)?.attr('id');
  if (replace) out.replaceId = replace;
  const reply = stanza.getChild('reply', NS_REPLY)?.attr('id');
  if (reply) out.replyId = reply;
  return out;
}

/**
 * The body without the XEP-0428 fallback quote of a reply (Matrix replies carry no quote since
 * spec v1.13). Ranges count Unicode code points.
 */
export function stripReplyFallback(stanza: XmlElement, body: string): string {
  const ranges = stanza.getChildren('fallback', NS_FALLBACK)
    .filter((f) => f.attr('for') === NS_REPLY)
    .flatMap((f) => f.getChildren('body', NS_FALLBACK))
    .map((b) => [Number(b.attr('start')), Number(b.attr('end'))] as const)
    .filter(([s, e]) => Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e >= s);
  if (ranges.length === 0) return body;
  const chars = [...body];
  const keep = chars.filter((_, i) => !ranges.some(([s, e]) => i >= s && i < e));
  return keep.join('');
}

/** XMPP children that are mapped to relations, and so not kept as opaque payload. */
export function isMappedRelation(parent: XmlElement, child: XmlElement): boolean {
  const ns = parent.nsOf(child);
  return (ns === NS_CORRECT && child.name === 'replace') || (ns === NS_REPLY && child.name === 'reply')
    || (ns === NS_FALLBACK && child.name === 'fallback' && child.attr('for') === NS_REPLY);
}

/** m.replace content (spec "Event replacements"): the new content, and a "* " fallback body. */
export function asReplacement(content: JsonObject, targetEventId: string): JsonObject {
  const { msgtype, body, ...rest } = content;
  const fresh: JsonObject = { msgtype: msgtype ?? 'm.text', body: body ?? '' };
  return { ...rest, msgtype: fresh.msgtype, body: `* ${String(fresh.body)}`, 'm.new_content': fresh,
    'm.relates_to': { rel_type: 'm.replace', event_id: targetEventId } };
}

export function asReply(content: JsonObject, targetEventId: string): JsonObject {
  return { ...content, 'm.relates_to': { 'm.in_reply_to': { event_id: targetEventId } } };
}

/** The relation of an event's content, each field checked (any client writes content). */
export function relationOf(content: JsonObject): { replaces?: string; inReplyTo?: string } {
  const rel = content['m.relates_to'];
  if (!rel || typeof rel !== 'object' || Array.isArray(rel)) return {};
  const r = rel as JsonObject;
  if (r.rel_type === 'm.replace' && typeof r.event_id === 'string') return { replaces: r.event_id };
  const reply = r['m.in_reply_to'];
  if (reply && typeof reply === 'object' && !Array.isArray(reply) && typeof (reply as JsonObject).event_id === 'string') {
    return { inReplyTo: (reply as JsonObject).event_id as string };
  }
  return {};
}

/** The annotation of an m.reaction's content, or null when it is not a well-formed one. */
export function annotationOf(content: JsonObject): { eventId: string; key: string } | null {
  const rel = content['m.relates_to'];
  if (!rel || typeof rel !== 'object' || Array.isArray(rel)) return null;
  const r = rel as JsonObject;
  if (r.rel_type !== 'm.annotation' || typeof r.event_id !== 'string' || typeof r.key !== 'string') return null;
  return { eventId: r.event_id, key: r.key };
}

/** The content whose body an XMPP client shows: an edit's m.new_content, else the event's own. */
export function shownContent(content: JsonObject): JsonObject {
  const fresh = content['m.new_content'];
  if (relationOf(content).replaces && fresh && typeof fresh === 'object' && !Array.isArray(fresh)) return fresh as JsonObject;
  return content;
}

/** Adds the XEP-0308 or XEP-0461 element an event's relation becomes (ids already resolved). */
export function withRelationElements(stanza: XmlElement, r: { replaceId?: string; reply?: { id: string; to?: string } }): XmlElement {
  const extra: XmlElement[] = [];
  if (r.replaceId) extra.push(x('replace', { xmlns: NS_CORRECT, id: r.replaceId }));
  if (r.reply) extra.push(x('reply', { xmlns: NS_REPLY, id: r.reply.id, to: r.reply.to }));
  if (extra.length === 0) return stanza;
  const kept = stanza.children.filter((c) => typeof c === 'string' || !isMappedRelation(stanza, c));
  return stanza.withChildren([...kept, ...extra]);
}

/**
 * The XEP-0359 origin-id a stored message carried (kept whole in its payload): in one-to-one
 * chats XEP-0444 and XEP-0461 name a message by it when present, else by the stanza id.
 */
export function originIdOf(payload: readonly string[] | undefined): string | undefined {
  for (const xml of payload ?? []) {
    if (!xml.startsWith('<origin-id')) continue; // cheap filter before parsing
    const el = parseFragment(xml);
    if (el && el.name === 'origin-id' && el.xmlns === NS_SID && el.attr('id')) return el.attr('id');
  }
  return undefined;
}
