// Thread subscriptions (MSC4306, unstable `io.element.msc4306` paths) and the backwards pagination
// of their changes (MSC4308's companion endpoint, `io.element.msc4308`). Logic: thread-subscriptions.ts.
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { badJson, invalidParam } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, roomIdParam } from '../http/validate.js';
import { changes, subscribe, subscription, unsubscribe } from '../thread-subscriptions.js';

const BASE = '/_matrix/client/unstable/io.element.msc4306/rooms/:roomId/thread/:threadId/subscription';
export const THREAD_SUBSCRIPTIONS_PATH = '/_matrix/client/unstable/io.element.msc4308/thread_subscriptions';
const MAX_LIMIT = 100;

function target(ctx: AuthedCtx): [string, string, string] {
  const { roomId, threadId } = ctx.params;
  roomIdParam(roomId);
  if (!threadId.startsWith('$')) throw invalidParam(`'${threadId}' is not a valid event ID`);
  return [ctx.requester.userId, roomId, threadId];
}

async function put(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const [userId, roomId, threadId] = target(ctx);
  const cause = bodyObject(ctx.body).automatic;
  if (cause !== undefined && (typeof cause !== 'string' || !cause.startsWith('$'))) throw badJson("'automatic' must be the ID of the event that caused the subscription");
  await subscribe(m, userId, roomId, threadId, cause);
  return {};
}

/**
 * A position token: ours are decimal stream positions (`end`, `prev_batch`), and `to` may be a
 * sliding sync `pos` (its leading number is the position it was computed at).
 */
export function positionToken(raw: string | null, name: string): number | null {
  if (raw === null || raw === '') return null;
  const m = /^(\d{1,15})(?:_[A-Za-z0-9]+)?$/.exec(raw);
  if (!m) throw invalidParam(`'${name}' is not a valid token`);
  return Number(m[1]);
}

function page(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  if (ctx.query.get('dir') !== 'b') throw invalidParam("'dir' must be 'b'");
  const from = positionToken(ctx.query.get('from'), 'from');
  const to = positionToken(ctx.query.get('to'), 'to');
  const rawLimit = ctx.query.get('limit');
  if (rawLimit !== null && !/^[1-9]\d{0,9}$/.test(rawLimit)) throw invalidParam("'limit' must be a positive integer");
  const limit = Math.min(MAX_LIMIT, rawLimit === null ? MAX_LIMIT : Number(rawLimit));
  const { body, end } = changes(m.core.storage.threadSubscriptions, ctx.requester.userId, to ?? 0, from ?? m.core.stream.committed + 1, limit);
  return end === null ? body : { ...body, end: String(end) };
}

export function threadSubscriptionRoutes(m: MatrixContext): Route[] {
  return [
    { method: 'PUT', path: BASE, auth: 'required', handler: (ctx) => put(m, ctx) },
    { method: 'GET', path: BASE, auth: 'required', handler: (ctx) => { const [u, r, t] = target(ctx); return subscription(m, u, r, t); } },
    { method: 'DELETE', path: BASE, auth: 'required', handler: async (ctx) => { const [u, r, t] = target(ctx); await unsubscribe(m, u, r, t); return {}; } },
    { method: 'GET', path: THREAD_SUBSCRIPTIONS_PATH, auth: 'required', handler: (ctx) => page(m, ctx) },
  ];
}
