// Reporting content (spec reporting.yaml): events and rooms, stored for the server's admins.
import type { JsonObject } from '../../core/events/types.js';
import { requireRoom, type MatrixContext } from '../context.js';
import { badJson, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, optionalString, roomIdParam } from '../http/validate.js';

const MAX_REASON = 1000;

function reason(body: JsonObject): string | null {
  const r = optionalString(body, 'reason') ?? null;
  if (r !== null && r.length > MAX_REASON) throw badJson(`'reason' is longer than ${MAX_REASON} characters`);
  return r;
}

function reportEvent(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  const body = bodyObject(ctx.body);
  const score = body.score;
  if (score !== undefined && (typeof score !== 'number' || !Number.isInteger(score) || score < -100 || score > 0)) {
    throw badJson("'score' must be an integer from -100 to 0");
  }
  // Spec: 404 both for an unknown event and for one the reporter cannot see, so that reports
  // cannot probe for events.
  const upTo = m.history.visibleUpTo(roomId, ctx.requester.userId, m.core.stream.committed);
  const ev = m.core.storage.events.getEvent(ctx.params.eventId);
  if (upTo === null || !ev || ev.pdu.room_id !== roomId || ev.stream > upTo) throw notFound('Event not found');
  m.core.storage.reports.add({ roomId, eventId: ev.eventId, userId: ctx.requester.userId, reason: reason(body), score: (score as number | undefined) ?? null, ts: Date.now() });
  return {};
}

function reportRoom(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  requireRoom(m, roomId);
  m.core.storage.reports.add({ roomId, eventId: null, userId: ctx.requester.userId, reason: reason(bodyObject(ctx.body)), score: null, ts: Date.now() });
  return {};
}

export function reportRoutes(m: MatrixContext): Route[] {
  return [
    { method: 'POST', path: '/_matrix/client/v3/rooms/:roomId/report/:eventId', auth: 'required', handler: (ctx) => reportEvent(m, ctx) },
    { method: 'POST', path: '/_matrix/client/v3/rooms/:roomId/report', auth: 'required', handler: (ctx) => reportRoom(m, ctx) },
  ];
}
