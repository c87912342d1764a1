// PUT /rooms/{roomId}/typing/{userId} (spec typing_notifications.md).
import type { MatrixContext } from '../context.js';
import { requireJoined } from '../context.js';
import { badJson, forbidden, missingParam } from '../errors.js';
import type { Route } from '../http/types.js';
import { bodyObject, roomIdParam, userIdParam } from '../http/validate.js';

export function typingRoutes(m: MatrixContext): Route[] {
  return [{
    method: 'PUT', path: '/_matrix/client/v3/rooms/:roomId/typing/:userId', auth: 'required',
    handler: async (ctx) => {
      const roomId = roomIdParam(ctx.params.roomId);
      const userId = userIdParam(ctx.params.userId);
      if (userId !== ctx.requester.userId) throw forbidden('Cannot set typing for another user');
      const body = bodyObject(ctx.body);
      if (body.typing === undefined) throw missingParam("Missing 'typing'");
      if (typeof body.typing !== 'boolean') throw badJson("'typing' must be a boolean");
      if (body.timeout !== undefined && (typeof body.timeout !== 'number' || !Number.isInteger(body.timeout) || body.timeout < 0)) {
        throw badJson("'timeout' must be a non-negative integer");
      }
      requireJoined(m, roomId, userId);
      await m.ephemeral.typing.set(roomId, userId, body.typing, typeof body.timeout === 'number' ? body.timeout : 30000);
      return {};
    },
  }];
}
