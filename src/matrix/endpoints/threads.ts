// Thread list (spec threads_list.yaml): the room's thread roots, the most recently active first,
// each with its bundled m.thread summary.
import type { JsonObject } from '../../core/events/types.js';
import { requireReadable, type MatrixContext } from '../context.js';
import { invalidParam } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { intQuery, roomIdParam } from '../http/validate.js';

/** A page token: how many roots the client has seen (the list is ordered by latest reply). */
function offsetParam(raw: string | null): number {
  if (raw === null || raw === '') return 0;
  if (!/^t\d{1,9}$/.test(raw)) throw invalidParam("'from' is not a valid token");
  return Number(raw.slice(1));
}

function threads(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  const upTo = requireReadable(m, roomId, ctx.requester.userId);
  const include = ctx.query.get('include') ?? 'all';
  if (include !== 'all' && include !== 'participated') throw invalidParam("'include' must be all or participated");
  const limit = intQuery(ctx.query, 'limit', 20, 1, 100);
  const offset = offsetParam(ctx.query.get('from'));
  const me = ctx.requester.userId;
  const vis = m.history.visibility(roomId, me);
  const roots = m.core.storage.relations.threadRoots(roomId, upTo)
    .map((t) => m.core.storage.events.getEvent(t.rootId))
    .filter((e) => e !== null && e.pdu.room_id === roomId && e.stream <= upTo && vis.sees(e))
    .filter((e) => include === 'all' || e!.pdu.sender === me
      || m.core.storage.relations.children(e!.eventId, 0, upTo, 500, true).some((r) => r.relType === 'm.thread' && r.sender === me));
  const page = roots.slice(offset, offset + limit);
  const chunk = m.formatter.formatTimeline(page.map((e) => e!), ctx.requester, true);
  const more = offset + limit < roots.length;
  return { chunk: chunk as unknown as JsonObject[], ...(more ? { next_batch: `t${offset + limit}` } : {}) };
}

export function threadRoutes(m: MatrixContext): Route[] {
  return [{ method: 'GET', path: '/_matrix/client/v1/rooms/:roomId/threads', auth: 'required', handler: (ctx) => threads(m, ctx) }];
}
