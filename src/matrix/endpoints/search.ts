// Server-side search (spec search.yaml): room_events over the SQLite FTS5 index of message
// bodies, room names and topics, limited to rooms and history the searcher may read.
import type { JsonObject } from '../../core/events/types.js';
import type { StoredEvent } from '../../core/ports.js';
import type { MatrixContext } from '../context.js';
import type { RoomVisibility } from '../events/history.js';
import { formatToken } from '../tokens.js';
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

interface ContextOptions { before: number; after: number; profiles: boolean }

function contextOptions(raw: JsonObject | undefined): ContextOptions | null {
  if (!raw) return null;
  const n = (k: string) => {
    const v = raw[k] ?? 5;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw badJson(`'event_context.${k}' must be a non-negative integer`);
    return Math.min(v, 20);
  };
  return { before: n('before_limit'), after: n('after_limit'), profiles: raw.include_profile === true };
}

/** The spec's EventContext of a result: neighbours the searcher may read, and senders' profiles. */
function eventContext(m: MatrixContext, ctx: AuthedCtx, ev: StoredEvent, o: ContextOptions, upTo: number, sees: (ev: StoredEvent) => boolean): JsonObject {
  const events = m.core.storage.events;
  const before = (o.before ? events.roomEventsBefore(ev.pdu.room_id, ev.stream, o.before) : []).filter(sees);
  const after = o.after ? events.roomEventsAfter(ev.pdu.room_id, ev.stream, o.after).filter((e) => e.stream <= upTo && sees(e)) : [];
  const out: JsonObject = {
    events_before: m.formatter.formatTimeline(before, ctx.requester, true) as unknown as JsonObject[],
    events_after: m.formatter.formatTimeline(after, ctx.requester, true) as unknown as JsonObject[],
    start: formatToken((before.length ? before[before.length - 1].stream : ev.stream) - 1),
    end: formatToken(after.length ? after[after.length - 1].stream : ev.stream),
  };
  if (o.profiles) {
    const profiles: JsonObject = {};
    for (const e of [...before, ev, ...after]) {
      const member = m.core.rooms.stateContent(e.pdu.room_id, 'm.room.member', e.pdu.sender);
      const p: JsonObject = {};
      if (typeof member?.displayname === 'string') p.displayname = member.displayname;
      if (typeof member?.avatar_url === 'string') p.avatar_url = member.avatar_url;
      profiles[e.pdu.sender] = p;
    }
    out.profile_info = profiles;
  }
  return out;
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
  const visibility = new Map<string, RoomVisibility>();
  const sees = (ev: StoredEvent) => {
    let v = visibility.get(ev.pdu.room_id);
    if (!v) visibility.set(ev.pdu.room_id, (v = m.history.visibility(ev.pdu.room_id, me)));
    return v.sees(ev);
  };
  const hits = m.core.storage.search.search(term, MAX_HITS).filter((h) => {
    if (onlyRooms && !onlyRooms.has(h.roomId)) return false;
    const limitPos = upTo(h.roomId);
    if (limitPos === null || h.stream > limitPos) return false;
    const ev = m.core.storage.events.getEvent(h.eventId);
    return ev !== null && sees(ev);
  });
  if (orderBy === 'recent') hits.sort((a, b) => b.stream - a.stream);
  const page = hits.slice(offset, offset + limit);
  const around = contextOptions(optionalObject(crit, 'event_context'));
  const results = page.map((h) => {
    const ev = m.core.storage.events.getEvent(h.eventId)!;
    const r: JsonObject = { rank: -h.rank, result: m.formatter.formatTimeline([ev], ctx.requester, true)[0] as unknown as JsonObject };
    if (around) r.context = eventContext(m, ctx, ev, around, upTo(h.roomId)!, sees);
    return r;
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

