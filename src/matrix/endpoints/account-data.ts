// Account data (spec account-data.yaml), global and per room, and stored filters (filter.yaml).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/events/index.js';
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError, forbidden, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { contentBody, roomIdParam } from '../http/validate.js';
import { parseSyncFilter } from '../sync/filter.js';

const FILTER_NS = 'matrix_filter';

function ownUser(ctx: AuthedCtx): string {
  if (ctx.params.userId !== ctx.requester.userId) throw forbidden('Cannot access account data of other users');
  return ctx.requester.userId;
}

function getData(m: MatrixContext, ctx: AuthedCtx, perRoom: boolean): JsonObject {
  const userId = ownUser(ctx);
  const roomId = perRoom ? roomIdParam(ctx.params.roomId) : '';
  const content = m.core.accountData.get(userId, ctx.params.type, roomId);
  if (content === null) throw notFound('Account data not found');
  return content;
}

async function putData(m: MatrixContext, ctx: AuthedCtx, perRoom: boolean): Promise<JsonObject> {
  const userId = ownUser(ctx);
  const roomId = perRoom ? roomIdParam(ctx.params.roomId) : '';
  const content = contentBody(ctx.body);
  // The read marker has its own API (spec: 405 M_BAD_JSON here).
  if (ctx.params.type === 'm.fully_read') throw new MatrixError(405, ErrCode.BAD_JSON, 'Cannot set m.fully_read through this API.');
  // The server keeps m.push_rules from the /pushrules API (Synapse refuses it the same way).
  if (ctx.params.type === 'm.push_rules') throw new MatrixError(405, ErrCode.BAD_JSON, 'Cannot set m.push_rules through this API. Use /pushrules');
  await m.core.accountData.put(userId, ctx.params.type, content, roomId);
  return {};
}

/** Filter ids are a hash of the filter: the same filter gets the same id, with no counter to keep. */
async function createFilter(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const userId = ownUser(ctx);
  const body = contentBody(ctx.body);
  parseSyncFilter(body);
  const text = canonicalJson(body);
  const id = createHash('sha256').update(text).digest('base64url').slice(0, 16);
  await m.core.storage.writes.enqueue(() => m.core.storage.kv.put(FILTER_NS, `${userId}\u0000${id}`, text));
  return { filter_id: id };
}

/** A stored filter of the user, as the JSON they uploaded; null when unknown. */
export function storedFilter(m: MatrixContext, userId: string, id: string): JsonObject | null {
  const text = m.core.storage.kv.get(FILTER_NS, `${userId}\u0000${id}`);
  return text === null ? null : (JSON.parse(text) as JsonObject);
}

export function accountDataRoutes(m: MatrixContext): Route[] {
  const user = '/_matrix/client/v3/user/:userId';
  return [
    { method: 'GET', path: `${user}/account_data/:type`, auth: 'required', handler: (ctx) => getData(m, ctx, false) },
    { method: 'PUT', path: `${user}/account_data/:type`, auth: 'required', handler: (ctx) => putData(m, ctx, false) },
    { method: 'GET', path: `${user}/rooms/:roomId/account_data/:type`, auth: 'required', handler: (ctx) => getData(m, ctx, true) },
    { method: 'PUT', path: `${user}/rooms/:roomId/account_data/:type`, auth: 'required', handler: (ctx) => putData(m, ctx, true) },
    { method: 'POST', path: `${user}/filter`, auth: 'required', handler: (ctx) => createFilter(m, ctx) },
    {
      method: 'GET', path: `${user}/filter/:filterId`, auth: 'required',
      handler: (ctx) => {
        const f = storedFilter(m, ownUser(ctx), ctx.params.filterId);
        if (!f) throw notFound('No such filter');
        return f;
      },
    },
  ];
}
