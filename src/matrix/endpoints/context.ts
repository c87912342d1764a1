// Event context (spec event_context.yaml): the event, some events before and after it, and the
// room state at the last event returned.
import type { JsonObject } from '../../core/events/types.js';
import type { StoredEvent } from '../../core/ports.js';
import { requireReadable, type MatrixContext } from '../context.js';
import { notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { intQuery, roomIdParam } from '../http/validate.js';
import { loadEvents, senderMembersAt, stateIdsAt } from '../events/history.js';
import { formatToken } from '../tokens.js';
import { eventMatches, parseRoomEventFilter } from '../sync/filter.js';
import { badJson } from '../errors.js';

function filterOf(raw: string | null) {
  if (raw === null || raw === '') return null;
  let parsed: unknown;
  try { parsed = JSON.parse(raw); } catch { throw badJson("'filter' is not JSON"); }
  return parseRoomEventFilter(parsed);
}

function context(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  const upTo = requireReadable(m, roomId, ctx.requester.userId);
  const ev = m.core.storage.events.getEvent(ctx.params.eventId);
  const vis = m.history.visibility(roomId, ctx.requester.userId);
  if (!ev || ev.pdu.room_id !== roomId || ev.stream > upTo || !vis.sees(ev)) throw notFound('Event not found');
  const limit = intQuery(ctx.query, 'limit', 10, 0, 100);
  const filter = filterOf(ctx.query.get('filter'));
  // Spec: the limit is shared out between before and after, before getting the odd one.
  const nBefore = Math.ceil(limit / 2);
  const nAfter = limit - nBefore;
  const events = m.core.storage.events;
  const before = nBefore ? events.roomEventsBefore(roomId, ev.stream, nBefore) : [];
  const after = nAfter ? events.roomEventsAfter(roomId, ev.stream, nAfter).filter((e) => e.stream <= upTo) : [];
  const keep = (list: StoredEvent[]) => vis.filter(filter ? list.filter((e) => eventMatches(filter, e.pdu)) : list);
  const lastStream = after.length ? after[after.length - 1].stream : ev.stream;
  const shownBefore = keep(before);
  const shownAfter = keep(after);
  const stateEvents = filter?.lazyLoadMembers
    ? senderMembersAt(events, roomId, lastStream, [ev, ...shownBefore, ...shownAfter])
    : loadEvents(events, stateIdsAt(events, roomId, lastStream).values());
  const f = m.formatter;
  return {
    event: f.formatTimeline([ev], ctx.requester, true)[0] as unknown as JsonObject,
    events_before: f.formatTimeline(shownBefore, ctx.requester, true) as unknown as JsonObject[],
    events_after: f.formatTimeline(shownAfter, ctx.requester, true) as unknown as JsonObject[],
    start: formatToken((before.length ? before[before.length - 1].stream : ev.stream) - 1),
    end: formatToken(lastStream),
    state: f.formatAll(stateEvents, ctx.requester, true) as unknown as JsonObject[],
  };
}

export function contextRoutes(m: MatrixContext): Route[] {
  return [{ method: 'GET', path: '/_matrix/client/v3/rooms/:roomId/context/:eventId', auth: 'required', handler: (ctx) => context(m, ctx) }];
}
