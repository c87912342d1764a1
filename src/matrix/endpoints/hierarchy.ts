// Space hierarchy (spec space_hierarchy.yaml): a breadth-first walk of m.space.child state from
// the requested room, over rooms this server has. Rooms the requester may not see (the rules of
// a room summary, room-summary.ts) are left out.
import type { JsonObject } from '../../core/events/types.js';
import { requireRoom, type MatrixContext } from '../context.js';
import { forbidden, invalidParam } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { intQuery, roomIdParam } from '../http/validate.js';
import { roomSummary, summaryVisible } from './room-summary.js';

// v1.15: the rooms of a space are seen under the same rules as a room summary.
const visible = summaryVisible;

/** The m.space.child events of a room: state key is the child, content.via must be a non-empty list. */
function childEvents(m: MatrixContext, roomId: string): JsonObject[] {
  const head = m.core.rooms.head(roomId);
  if (!head) return [];
  const out: JsonObject[] = [];
  for (const [, pdu] of head.state) {
    if (pdu.type !== 'm.space.child' || !pdu.state_key) continue;
    const via = (pdu.content as JsonObject).via;
    if (!Array.isArray(via) || via.length === 0) continue;
    out.push({ type: pdu.type, state_key: pdu.state_key, content: pdu.content, sender: pdu.sender, origin_server_ts: pdu.origin_server_ts });
  }
  return out;
}

function hierarchy(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const root = roomIdParam(ctx.params.roomId);
  requireRoom(m, root);
  const me = ctx.requester.userId;
  if (!visible(m, root, me)) throw forbidden('You cannot see this room');
  const limit = intQuery(ctx.query, 'limit', 50, 1, 100);
  const maxDepth = intQuery(ctx.query, 'max_depth', 10, 0, 50);
  const suggestedOnly = ctx.query.get('suggested_only') === 'true';
  const from = ctx.query.get('from');
  if (from !== null && !/^h\d{1,9}$/.test(from)) throw invalidParam("'from' is not a valid token");
  const skip = from === null ? 0 : Number(from.slice(1));
  const rooms: JsonObject[] = [];
  const seen = new Set<string>([root]);
  const queue: { id: string; depth: number }[] = [{ id: root, depth: 0 }];
  while (queue.length) {
    const { id, depth } = queue.shift()!;
    if (!m.core.rooms.head(id) || !visible(m, id, me)) continue;
    let children = childEvents(m, id);
    if (suggestedOnly) children = children.filter((c) => (c.content as JsonObject).suggested === true);
    rooms.push({ ...roomSummary(m, id), children_state: children });
    if (depth >= maxDepth) continue;
    for (const c of children) {
      const child = c.state_key as string;
      if (!seen.has(child)) { seen.add(child); queue.push({ id: child, depth: depth + 1 }); }
    }
  }
  const page = rooms.slice(skip, skip + limit);
  return { rooms: page, ...(skip + limit < rooms.length ? { next_batch: `h${skip + limit}` } : {}) };
}

export function hierarchyRoutes(m: MatrixContext): Route[] {
  return [{ method: 'GET', path: '/_matrix/client/v1/rooms/:roomId/hierarchy', auth: 'required', handler: (ctx) => hierarchy(m, ctx) }];
}
