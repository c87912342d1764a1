// Server-side search (spec search.yaml): room_events over the SQLite FTS5 index of message
// bodies, room names and topics, limited to rooms and history the searcher may read.
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { badJson, invalidParam } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, optionalArray, optionalObject, requiredString } from '../http/validate.js';

/** Hits read from the index for one request; results beyond it are not offered. */
const MAX_HITS = 1000;
const PAGE = 10;

function roomsFilter(filter: JsonObject | undefined): Set<string> | null {
  const rooms = filter ? optionalArray(filter, 'rooms') : undefined;
  if (!rooms) return null;
  if (!rooms.every((r) => typeof r === 'string')) throw badJson("'filter.rooms' must be a list of room IDs");
  return new Set(rooms as string[]);
}

function search(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const body = bodyObject(ctx.body);
  const categories = optionalObject(body, 'search_categories');
  if (!categories) throw badJson("Missing 'search_categories'");
  const crit = optionalObject(categories, 'room_events');
  if (!crit) return { search_categories: {} };
  const term = requiredString(crit, 'search_term');
  const filter = optionalObject(crit, 'filter');
  const onlyRooms = roomsFilter(filter);
  const orderBy = crit.order_by ?? 'rank';
  if (orderBy !== 'rank' && orderBy !== 'recent') throw invalidParam("'order_by' must be rank or recent");
  const limit = Math.min(typeof filter?.limit === 'number' && filter.limit > 0 ? Math.floor(filter.limit) : PAGE, 100);
  const nextBatch = ctx.query.get('next_batch');
  if (nextBatch !== null && !/^n\d{1,9}$/.test(nextBatch)) throw invalidParam("'next_batch' is not a valid token");
  const offset = nextBatch === null ? 0 : Number(nextBatch.slice(1));

  const me = ctx.requester.userId;
  const now = m.core.stream.committed;
  const readable = new Map<string, number | null>();
  const upTo = (roomId: string) => {
    if (!readable.has(roomId)) readable.set(roomId, m.core.rooms.head(roomId) ? m.history.visibleUpTo(roomId, me, now) : null);
    return readable.get(roomId)!;
  };
  const hits = m.core.storage.search.search(term, MAX_HITS).filter((h) => {
    if (onlyRooms && !onlyRooms.has(h.roomId)) return false;
    const limitPos = upTo(h.roomId);
    return limitPos !== null && h.stream <= limitPos;
  });
  if (orderBy === 'recent') hits.sort((a, b) => b.stream - a.stream);
  const page = hits.slice(offset, offset + limit);
  const results = page.map((h) => {
    const ev = m.core.storage.events.getEvent(h.eventId)!;
    return { rank: -h.rank, result: m.formatter.formatTimeline([ev], ctx.requester, true)[0] as unknown as JsonObject };
  });
  const out: JsonObject = {
    count: hits.length,
    results,
    highlights: term.split(/\s+/).filter(Boolean),
  };
  if (offset + limit < hits.length) out.next_batch = `n${offset + limit}`;
  return { search_categories: { room_events: out } };
}

export function searchRoutes(m: MatrixContext): Route[] {
  return [{ method: 'POST', path: '/_matrix/client/v3/search', auth: 'required', handler: (ctx) => search(m, ctx) }];
}

