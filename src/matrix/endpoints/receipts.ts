// POST /rooms/{roomId}/receipt/{receiptType}/{eventId} (spec receipts.md, receipts.yaml).
import type { MatrixContext } from '../context.js';
import { requireJoined } from '../context.js';
import { badJson, invalidParam, notFound } from '../errors.js';
import type { Route } from '../http/types.js';
import { bodyObject, roomIdParam } from '../http/validate.js';

const RECEIPT_TYPES = new Set(['m.read', 'm.read.private', 'm.fully_read']);

/** The event must be one of the room's; receipts for unknown events would count nothing. */
export function requireRoomEvent(m: MatrixContext, roomId: string, eventId: string): void {
  const ev = m.core.storage.events.getEvent(eventId);
  if (!ev || ev.pdu.room_id !== roomId) throw notFound(`Unknown event ${eventId} in room ${roomId}`);
}

/** Sets the m.fully_read marker (room account data), as both endpoints may. */
export async function setFullyRead(m: MatrixContext, roomId: string, userId: string, eventId: string): Promise<void> {
  await m.core.accountData.put(userId, 'm.fully_read', { event_id: eventId }, roomId);
}

export function receiptRoutes(m: MatrixContext): Route[] {
  return [{
    method: 'POST', path: '/_matrix/client/v3/rooms/:roomId/receipt/:receiptType/:eventId', auth: 'required',
    handler: async (ctx) => {
      const roomId = roomIdParam(ctx.params.roomId);
      const { receiptType, eventId } = ctx.params;
      if (!RECEIPT_TYPES.has(receiptType)) throw invalidParam(`Unknown receipt type '${receiptType}'`);
      const threadId = bodyObject(ctx.body).thread_id;
      if (threadId !== undefined && (typeof threadId !== 'string' || threadId === '')) throw badJson("'thread_id' must be a non-empty string");
      if (threadId !== undefined && receiptType === 'm.fully_read') throw invalidParam('m.fully_read cannot be threaded');
      const userId = ctx.requester.userId;
      requireJoined(m, roomId, userId);
      requireRoomEvent(m, roomId, eventId);
      if (receiptType === 'm.fully_read') await setFullyRead(m, roomId, userId, eventId);
      else await m.ephemeral.receipts.put(roomId, userId, receiptType, eventId, threadId ?? null);
      return {};
    },
  }];
}
