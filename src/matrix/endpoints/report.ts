// Reporting content (spec report_content.yaml): events, rooms (v1.13) and users (v1.14), stored
// for the server's admins.
import type { JsonObject } from '../../core/events/types.js';
import { requireRoom, type MatrixContext } from '../context.js';
import { badJson, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, optionalString, roomIdParam, userIdParam } from '../http/validate.js';

const MAX_REASON = 1000;

function reason(body: JsonObject): string | null {
  const r = optionalString(body, 'reason') ?? null;
  if (r !== null && r.length > MAX_REASON) throw badJson(`'reason' is longer than ${MAX_REASON} characters`);
  return r;
}

function reportEvent(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  const body = bodyObject(ctx.body);
  // v1.18 removed `score` (MSC4277); a well-formed one from an older client is still kept.
  const score = typeof body.score === 'number' && Number.isInteger(body.score) && body.score >= -100 && body.score <= 0 ? body.score : null;
  // Spec: 404 both for an unknown event and for one the reporter cannot see, so that reports
  // cannot probe for events.
  const upTo = m.history.visibleUpTo(roomId, ctx.requester.userId, m.core.stream.committed);
  const ev = m.core.storage.events.getEvent(ctx.params.eventId);
  if (upTo === null || !ev || ev.pdu.room_id !== roomId || ev.stream > upTo) throw notFound('Event not found');
  m.core.storage.reports.add({ roomId, eventId: ev.eventId, userId: ctx.requester.userId, reason: reason(body), score, ts: Date.now() });
  return {};
}

function reportRoom(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  requireRoom(m, roomId);
  m.core.storage.reports.add({ roomId, eventId: null, userId: ctx.requester.userId, reason: reason(bodyObject(ctx.body)), score: null, ts: Date.now() });
  return {};
}

// Spec: 404 for a user this server does not know. Only local users can be known without
// federation; a deactivated account still exists (its name stays reserved).
function reportUser(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const target = userIdParam(ctx.params.userId);
  const lp = m.core.accounts.localpartOf(target);
  if (lp === null || !m.core.accounts.get(lp)) throw notFound('The user was not found');
  m.core.storage.reports.addUser({ targetUserId: target, userId: ctx.requester.userId, reason: reason(bodyObject(ctx.body)), ts: Date.now() });
  return {};
}

export function reportRoutes(m: MatrixContext): Route[] {
  return [
    { method: 'POST', path: '/_matrix/client/v3/rooms/:roomId/report/:eventId', auth: 'required', handler: (ctx) => reportEvent(m, ctx) },
    { method: 'POST', path: '/_matrix/client/v3/rooms/:roomId/report', auth: 'required', handler: (ctx) => reportRoom(m, ctx) },
    { method: 'POST', path: '/_matrix/client/v3/users/:userId/report', auth: 'required', handler: (ctx) => reportUser(m, ctx) },
  ];
}
