// Server-side search (spec search.yaml), the pure parts: the room_events criteria, which key an
// event was found by, batch tokens, groups and highlights.
import type { JsonObject } from '../../core/events/types.js';
import { badJson, invalidParam } from '../errors.js';
import { optionalArray, optionalObject, requiredString } from '../http/validate.js';
import { parseRoomEventFilter, type RoomEventFilter } from '../sync/filter.js';

export const SEARCH_KEYS = ['content.body', 'content.name', 'content.topic'] as const;
export type SearchKey = (typeof SEARCH_KEYS)[number];
export type GroupKey = 'room_id' | 'sender';

export interface ContextOptions { before: number; after: number; profiles: boolean }

export interface Criteria {
  term: string;
  keys: Set<SearchKey>;
  filter: RoomEventFilter;
  orderBy: 'rank' | 'recent';
  context: ContextOptions | null;
  includeState: boolean;
  groupBy: GroupKey[];
}

/** Results per page unless the filter's `limit` says otherwise. */
export const DEFAULT_PAGE = 10;
export const MAX_PAGE = 100;
const MAX_CONTEXT = 20;

function contextOptions(raw: JsonObject | undefined): ContextOptions | null {
  if (!raw) return null;
  const n = (k: string) => {
    const v = raw[k] ?? 5;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw badJson(`'event_context.${k}' must be a non-negative integer`);
    return Math.min(v, MAX_CONTEXT);
  };
  const profiles = raw.include_profile ?? false;
  if (typeof profiles !== 'boolean') throw badJson("'event_context.include_profile' must be a boolean");
  return { before: n('before_limit'), after: n('after_limit'), profiles };
}

function keysOf(raw: JsonObject): Set<SearchKey> {
  const keys = optionalArray(raw, 'keys');
  if (keys === undefined) return new Set(SEARCH_KEYS);
  for (const k of keys) if (!SEARCH_KEYS.includes(k as SearchKey)) throw invalidParam(`'keys' may hold only ${SEARCH_KEYS.join(', ')}`);
  if (keys.length === 0) throw invalidParam("'keys' must not be empty");
  return new Set(keys as SearchKey[]);
}

function groupsOf(raw: JsonObject): GroupKey[] {
  const groupings = optionalObject(raw, 'groupings');
  const list = groupings ? optionalArray(groupings, 'group_by') ?? [] : [];
  return list.map((g) => {
    const key = g !== null && typeof g === 'object' && !Array.isArray(g) ? (g as JsonObject).key : undefined;
    if (key !== 'room_id' && key !== 'sender') throw invalidParam("'group_by' keys must be room_id or sender");
    return key;
  });
}

export function parseCriteria(raw: JsonObject): Criteria {
  const term = requiredString(raw, 'search_term');
  const orderBy = raw.order_by ?? 'rank';
  if (orderBy !== 'rank' && orderBy !== 'recent') throw invalidParam("'order_by' must be rank or recent");
  const includeState = raw.include_state ?? false;
  if (typeof includeState !== 'boolean') throw badJson("'include_state' must be a boolean");
  return {
    term, keys: keysOf(raw), filter: parseRoomEventFilter(raw.filter ?? {}), orderBy,
    context: contextOptions(optionalObject(raw, 'event_context')), includeState, groupBy: groupsOf(raw),
  };
}

/** The key an indexed event was found by (the index holds message bodies, room names and topics). */
export function keyOf(ev: { type: string; state_key?: string }): SearchKey | null {
  if (ev.type === 'm.room.message' && ev.state_key === undefined) return 'content.body';
  if (ev.type === 'm.room.name' && ev.state_key === '') return 'content.name';
  if (ev.type === 'm.room.topic' && ev.state_key === '') return 'content.topic';
  return null;
}

/**
 * Where the next page starts: an offset into the ordered results, within one group's results
 * when the token came from a group's next_batch.
 */
export interface Batch { offset: number; room?: string; sender?: string }

export function encodeBatch(b: Batch): string {
  return Buffer.from(JSON.stringify(b)).toString('base64url');
}

export function decodeBatch(token: string | null): Batch {
  if (token === null) return { offset: 0 };
  let b: unknown;
  try { b = token.length <= 2000 ? JSON.parse(Buffer.from(token, 'base64url').toString()) : null; } catch { b = null; }
  const o = b as Batch | null;
  if (!o || typeof o !== 'object' || !Number.isSafeInteger(o.offset) || o.offset < 0
    || (o.room !== undefined && typeof o.room !== 'string') || (o.sender !== undefined && typeof o.sender !== 'string')) {
    throw invalidParam("'next_batch' is not a valid token");
  }
  return { offset: o.offset, ...(o.room !== undefined ? { room: o.room } : {}), ...(o.sender !== undefined ? { sender: o.sender } : {}) };
}

export interface Hit { eventId: string; roomId: string; sender: string }

/**
 * The spec's `groups`: for each requested key, the page's results per value (in result order,
 * `order` by first appearance), with a next_batch that pages on within that value alone.
 */
export function groupResults(all: Hit[], end: number, groupBy: GroupKey[], batch: Batch): JsonObject {
  const out: JsonObject = {};
  const page = all.slice(batch.offset, end);
  for (const key of groupBy) {
    const valueOf = (h: Hit) => (key === 'room_id' ? h.roomId : h.sender);
    const groups: Record<string, { order: number; results: string[]; next_batch?: string }> = {};
    for (const h of page) {
      const v = valueOf(h);
      (groups[v] ??= { order: Object.keys(groups).length + 1, results: [] }).results.push(h.eventId);
    }
    for (const [v, g] of Object.entries(groups)) {
      const seen = all.slice(0, end).filter((h) => valueOf(h) === v).length;
      const total = all.filter((h) => valueOf(h) === v).length;
      if (seen < total) g.next_batch = encodeBatch({ ...batch, offset: seen, ...(key === 'room_id' ? { room: v } : { sender: v }) });
    }
    out[key] = groups;
  }
  return out;
}

/** The search words, and each word as it is written in the texts found (case and accents may differ). */
export function highlights(term: string, texts: string[]): string[] {
  const words = term.split(/\s+/).map((w) => w.replace(/^["'(]+|["'),.!?:;]+$/g, '')).filter(Boolean);
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const wanted = new Set(words.map(fold));
  const out = new Set(words);
  for (const text of texts) {
    for (const token of text.split(/[^\p{L}\p{N}]+/u)) if (token && wanted.has(fold(token))) out.add(token);
  }
  return [...out];
}
