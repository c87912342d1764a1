// Server-side search (spec search.yaml): room_events over the SQLite FTS5 index of message
// bodies, room names and topics, limited to rooms and events the searcher may read. The
// criteria, tokens and groups are in search/criteria.ts.
import type { JsonObject } from '../../core/events/types.js';
import type { StoredEvent } from '../../core/ports.js';
import type { MatrixContext } from '../context.js';
import type { RoomVisibility } from '../events/history.js';
import { loadEvents, stateIdsAt } from '../events/history.js';
import { formatToken } from '../tokens.js';
import { badJson } from '../errors.js';
import type { AuthedCtx, Requester, Route } from '../http/types.js';
import { bodyObject, optionalObject } from '../http/validate.js';
import { eventMatches, roomMatches } from '../sync/filter.js';
import {
  DEFAULT_PAGE, MAX_PAGE, decodeBatch, encodeBatch, groupResults, highlights, keyOf, parseCriteria,
  type ContextOptions, type Criteria,
} from '../search/criteria.js';

/** Hits read from the index for one request; results beyond it are not offered. */
const MAX_HITS = 1000;

/** What one searcher may read: per room, the last position and the per-event visibility. */
class Readable {
  private readonly upTo = new Map<string, number | null>();
  private readonly vis = new Map<string, RoomVisibility>();
  constructor(private readonly m: MatrixContext, private readonly userId: string) {}

  lastPosition(roomId: string): number | null {
    if (!this.upTo.has(roomId)) {
      const now = this.m.core.stream.committed;
      this.upTo.set(roomId, this.m.core.rooms.head(roomId) ? this.m.history.visibleUpTo(roomId, this.userId, now) : null);
    }
    return this.upTo.get(roomId)!;
  }

  sees(ev: StoredEvent): boolean {
    const last = this.lastPosition(ev.pdu.room_id);
    if (last === null || ev.stream > last) return false;
    let v = this.vis.get(ev.pdu.room_id);
    if (!v) this.vis.set(ev.pdu.room_id, (v = this.m.history.visibility(ev.pdu.room_id, this.userId)));
    return v.sees(ev);
  }
}

/** The sender's display name and avatar as they were at the event (spec: "historic profile"). */
function profileAt(m: MatrixContext, ev: StoredEvent): JsonObject {
  const member = m.core.storage.events.stateHistory(ev.pdu.room_id, 'm.room.member', ev.pdu.sender)
    .filter((e) => e.stream <= ev.stream).pop()?.pdu.content;
  const p: JsonObject = {};
  if (typeof member?.displayname === 'string') p.displayname = member.displayname;
  if (typeof member?.avatar_url === 'string') p.avatar_url = member.avatar_url;
  return p;
}

/** The spec's EventContext of a result: neighbours the searcher may read, and senders' profiles. */
function eventContext(m: MatrixContext, viewer: Requester, ev: StoredEvent, o: ContextOptions, readable: Readable): JsonObject {
  const events = m.core.storage.events;
  const before = (o.before ? events.roomEventsBefore(ev.pdu.room_id, ev.stream, o.before) : []).filter((e) => readable.sees(e));
  const after = (o.after ? events.roomEventsAfter(ev.pdu.room_id, ev.stream, o.after) : []).filter((e) => readable.sees(e));
  const out: JsonObject = {
    events_before: m.formatter.formatTimeline(before, viewer, true) as unknown as JsonObject[],
    events_after: m.formatter.formatTimeline(after, viewer, true) as unknown as JsonObject[],
    start: formatToken((before.length ? before[before.length - 1].stream : ev.stream) - 1),
    end: formatToken(after.length ? after[after.length - 1].stream : ev.stream),
  };
  if (o.profiles) {
    const profiles: JsonObject = {};
    for (const e of [...before, ev, ...after]) profiles[e.pdu.sender] ??= profileAt(m, e);
    out.profile_info = profiles;
  }
  return out;
}

/** The readable events matching the criteria, in the order asked for. */
function matches(m: MatrixContext, c: Criteria, readable: Readable, scope: { room?: string; sender?: string }): { ev: StoredEvent; rank: number }[] {
  const out: { ev: StoredEvent; rank: number }[] = [];
  for (const h of m.core.storage.search.search(c.term, MAX_HITS)) {
    if ((scope.room !== undefined && h.roomId !== scope.room) || !roomMatches(c.filter, h.roomId) || readable.lastPosition(h.roomId) === null) continue;
    const ev = m.core.storage.events.getEvent(h.eventId);
    if (!ev || (scope.sender !== undefined && ev.pdu.sender !== scope.sender)) continue;
    const key = keyOf(ev.pdu);
    if (key === null || !c.keys.has(key) || !eventMatches(c.filter, ev.pdu) || !readable.sees(ev)) continue;
    // FTS5 ranks by bm25, lower is better; the spec's rank is higher-is-closer.
    out.push({ ev, rank: -h.rank });
  }
  if (c.orderBy === 'recent') out.sort((a, b) => b.ev.stream - a.ev.stream);
  return out;
}

/** Current state of each room in the results, as far as the searcher may see it. */
function roomStates(m: MatrixContext, viewer: Requester, roomIds: Set<string>, readable: Readable): JsonObject {
  const out: JsonObject = {};
  for (const roomId of roomIds) {
    const last = readable.lastPosition(roomId);
    if (last === null) continue;
    const ids = stateIdsAt(m.core.storage.events, roomId, last);
    out[roomId] = m.formatter.formatAll(loadEvents(m.core.storage.events, ids.values()), viewer, true) as unknown as JsonObject[];
  }
  return out;
}

function searchRoomEvents(m: MatrixContext, ctx: AuthedCtx, raw: JsonObject): JsonObject {
  const c = parseCriteria(raw);
  const batch = decodeBatch(ctx.query.get('next_batch'));
  const limit = Math.min(c.filter.limit ?? DEFAULT_PAGE, MAX_PAGE);
  const readable = new Readable(m, ctx.requester.userId);
  const found = matches(m, c, readable, batch);
  const end = Math.min(batch.offset + limit, found.length);
  const page = found.slice(batch.offset, end).map((f) => f.ev);
  const results = found.slice(batch.offset, end).map(({ ev, rank }) => {
    const r: JsonObject = { rank, result: m.formatter.formatTimeline([ev], ctx.requester, true)[0] as unknown as JsonObject };
    if (c.context) r.context = eventContext(m, ctx.requester, ev, c.context, readable);
    return r;
  });
  const texts = page.map((ev) => ev.pdu.content.body ?? ev.pdu.content.name ?? ev.pdu.content.topic).filter((t): t is string => typeof t === 'string');
  const out: JsonObject = { count: found.length, results, highlights: highlights(c.term, texts) };
  if (end < found.length) out.next_batch = encodeBatch({ ...batch, offset: end });
  if (c.includeState) out.state = roomStates(m, ctx.requester, new Set(page.map((e) => e.pdu.room_id)), readable);
  if (c.groupBy.length > 0) {
    out.groups = groupResults(found.map(({ ev }) => ({ eventId: ev.eventId, roomId: ev.pdu.room_id, sender: ev.pdu.sender })), end, c.groupBy, batch);
  }
  return out;
}

function search(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const body = bodyObject(ctx.body);
  const categories = optionalObject(body, 'search_categories');
  if (!categories) throw badJson("Missing 'search_categories'");
  const crit = optionalObject(categories, 'room_events');
  if (!crit) return { search_categories: {} };
  return { search_categories: { room_events: searchRoomEvents(m, ctx, crit) } };
}

export function searchRoutes(m: MatrixContext): Route[] {
  return [{ method: 'POST', path: '/_matrix/client/v3/search', auth: 'required', handler: (ctx) => search(m, ctx) }];
}
