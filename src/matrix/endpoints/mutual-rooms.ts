// Rooms shared with another user (spec v1.19 mutual_rooms.yaml, MSC2666): the rooms both the
// requester and `user_id` are joined to, in pages of PAGE rooms with an opaque `next_batch`.
// matrix-js-sdk 37 (Element's "shared rooms") knows only the MSC's unstable form, served too.
import type { JsonObject } from '../../core/events/types.js';
import { parseUserId } from '../../core/ids.js';
import type { MatrixContext } from '../context.js';
import { invalidParam, missingParam } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';

const PAGE = 100;

/** The token is the room id to continue after, prefixed so that other tokens are refused. */
function afterToken(raw: string | null): string | null {
  if (raw === null) return null;
  if (!raw.startsWith('m') || raw.length < 2) throw invalidParam("'from' is not a valid token");
  return raw.slice(1);
}

function mutualPage(m: MatrixContext, ctx: AuthedCtx, token: string | null): { joined: string[]; count: number; next?: string } {
  const other = ctx.query.get('user_id');
  if (other === null || other === '') throw missingParam("Missing 'user_id'");
  if (!parseUserId(other)) throw invalidParam(`'${other}' is not a valid user ID`);
  if (other === ctx.requester.userId) throw invalidParam('user_id is the requester');
  const after = afterToken(token);
  const mine = new Set(m.core.storage.rooms.roomsForUser(ctx.requester.userId, ['join']).map((r) => r.roomId));
  // Sorted so that the position of a page is stable between calls.
  const shared = m.core.storage.rooms.roomsForUser(other, ['join']).map((r) => r.roomId).filter((id) => mine.has(id)).sort();
  const start = after === null ? 0 : shared.findIndex((id) => id > after);
  const joined = start < 0 ? [] : shared.slice(start, start + PAGE);
  const more = start >= 0 && start + PAGE < shared.length;
  return { joined, count: shared.length, ...(more ? { next: `m${joined[joined.length - 1]}` } : {}) };
}

function mutualRooms(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const page = mutualPage(m, ctx, ctx.query.get('from'));
  return { joined: page.joined, count: page.count, ...(page.next ? { next_batch: page.next } : {}) };
}

/** MSC2666's last unstable form: `batch_token` in, `next_batch_token` out, no count. */
function unstableMutualRooms(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const page = mutualPage(m, ctx, ctx.query.get('batch_token'));
  return { joined: page.joined, ...(page.next ? { next_batch_token: page.next } : {}) };
}

export function mutualRoomRoutes(m: MatrixContext): Route[] {
  return [
    { method: 'GET', path: '/_matrix/client/v1/mutual_rooms', auth: 'required', handler: (ctx) => mutualRooms(m, ctx) },
    { method: 'GET', path: '/_matrix/client/unstable/uk.half-shot.msc2666/user/mutual_rooms', auth: 'required', handler: (ctx) => unstableMutualRooms(m, ctx) },
  ];
}
