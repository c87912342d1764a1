// Forgetting a room (spec leaving.yaml POST /forget): allowed once the user has left; the room
// is remembered as forgotten until the user's membership changes again.
import { stateTuple, type JsonObject } from '../../core/events/types.js';
import { requireRoom, type MatrixContext } from '../context.js';
import { ErrCode, MatrixError } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { roomIdParam } from '../http/validate.js';

function forget(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  requireRoom(m, roomId);
  const membership = m.core.rooms.membership(roomId, ctx.requester.userId);
  if (membership === 'join' || membership === 'invite' || membership === 'knock') {
    throw new MatrixError(400, ErrCode.UNKNOWN, 'You must leave the room before forgetting it');
  }
  const memberEvent = m.core.rooms.head(roomId)?.stateIds.get(stateTuple('m.room.member', ctx.requester.userId)) ?? null;
  m.core.storage.forgottenRooms.forget(ctx.requester.userId, roomId, memberEvent);
  return {};
}

export function forgetRoutes(m: MatrixContext): Route[] {
  return [{ method: 'POST', path: '/_matrix/client/v3/rooms/:roomId/forget', auth: 'required', handler: (ctx) => forget(m, ctx) }];
}
