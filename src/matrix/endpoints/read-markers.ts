// POST /rooms/{roomId}/read_markers (spec read_markers.md): the fully-read marker and,
// optionally, a public or private read receipt in one request.
import type { MatrixContext } from '../context.js';
import { requireJoined } from '../context.js';
import type { Route } from '../http/types.js';
import { bodyObject, optionalString, roomIdParam } from '../http/validate.js';
import { requireRoomEvent, setFullyRead } from './receipts.js';

export function readMarkerRoutes(m: MatrixContext): Route[] {
  return [{
    method: 'POST', path: '/_matrix/client/v3/rooms/:roomId/read_markers', auth: 'required',
    handler: async (ctx) => {
      const roomId = roomIdParam(ctx.params.roomId);
      const body = bodyObject(ctx.body);
      const fullyRead = optionalString(body, 'm.fully_read');
      const read = optionalString(body, 'm.read');
      const readPrivate = optionalString(body, 'm.read.private');
      const userId = ctx.requester.userId;
      requireJoined(m, roomId, userId);
      for (const id of [fullyRead, read, readPrivate]) if (id !== undefined) requireRoomEvent(m, roomId, id);
      if (read !== undefined) await m.ephemeral.receipts.put(roomId, userId, 'm.read', read, null);
      if (readPrivate !== undefined) await m.ephemeral.receipts.put(roomId, userId, 'm.read.private', readPrivate, null);
      if (fullyRead !== undefined) await setFullyRead(m, roomId, userId, fullyRead);
      return {};
    },
  }];
}
