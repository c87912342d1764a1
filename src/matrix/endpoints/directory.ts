// Room aliases (spec directory.yaml). Aliases of this server only; remote ones need federation.
// An alias `#name:DOMAIN` is also the room's XMPP address `name@MUC_DOMAIN` (DESIGN §1).
import { sendLevel, userLevel } from '../../core/auth/index.js';
import { parseRoomAlias } from '../../core/ids.js';
import type { JsonObject } from '../../core/events/types.js';
import { requireJoined, requireReadable, type MatrixContext } from '../context.js';
import { ErrCode, MatrixError, forbidden, invalidParam, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, requiredString, roomIdParam } from '../http/validate.js';
import { aliasReserved } from './rooms.js';

function localAlias(m: MatrixContext, raw: string): string {
  const parsed = parseRoomAlias(raw);
  if (!parsed) throw invalidParam(`'${raw}' is not a valid room alias`);
  if (parsed.server !== m.core.config.server_name) throw invalidParam('Room alias must be on this server');
  return raw;
}

function resolve(m: MatrixContext, raw: string): JsonObject {
  const parsed = parseRoomAlias(raw);
  if (!parsed) throw invalidParam(`'${raw}' is not a valid room alias`);
  const roomId = parsed.server === m.core.config.server_name ? m.core.storage.rooms.getAlias(raw) : null;
  if (!roomId) throw notFound(`Room alias ${raw} not found`);
  return { room_id: roomId, servers: [m.core.config.server_name] };
}

async function create(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const alias = localAlias(m, ctx.params.roomAlias);
  const roomId = roomIdParam(requiredString(bodyObject(ctx.body), 'room_id'));
  requireJoined(m, roomId, ctx.requester.userId);
  let added = false;
  if (aliasReserved(alias)) throw new MatrixError(409, ErrCode.UNKNOWN, `Room alias ${alias} already exists`);
  await m.core.storage.writes.enqueue(() => { added = m.core.storage.rooms.putAlias(alias, roomId, ctx.requester.userId); });
  if (!added) throw new MatrixError(409, ErrCode.UNKNOWN, `Room alias ${alias} already exists`);
  return {};
}

/** Server admins, and room members who may set the canonical alias, may delete a room's alias. */
async function remove(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const alias = localAlias(m, ctx.params.roomAlias);
  const roomId = m.core.storage.rooms.getAlias(alias);
  if (!roomId) throw notFound(`Room alias ${alias} not found`);
  const userId = ctx.requester.userId;
  const admin = m.core.accounts.get(m.core.accounts.localpartOf(userId) ?? '')?.admin === true;
  if (!admin) {
    const head = requireJoined(m, roomId, userId);
    const rules = m.core.rooms.rules(head);
    if (userLevel(head.state, userId, rules) < sendLevel(head.state, 'm.room.canonical_alias', '', rules)) {
      throw forbidden('You may not delete this alias');
    }
  }
  await m.core.storage.writes.enqueue(() => m.core.storage.rooms.deleteAlias(alias));
  return {};
}

export function directoryRoutes(m: MatrixContext): Route[] {
  const dir = '/_matrix/client/v3/directory/room/:roomAlias';
  return [
    { method: 'GET', path: dir, auth: 'required', handler: (ctx) => resolve(m, ctx.params.roomAlias) },
    { method: 'PUT', path: dir, auth: 'required', handler: (ctx) => create(m, ctx) },
    { method: 'DELETE', path: dir, auth: 'required', handler: (ctx) => remove(m, ctx) },
    {
      method: 'GET', path: '/_matrix/client/v3/rooms/:roomId/aliases', auth: 'required',
      handler: (ctx) => {
        const roomId = roomIdParam(ctx.params.roomId);
        requireReadable(m, roomId, ctx.requester.userId);
        // Former members may read history but not the room's current aliases.
        if (m.core.rooms.membership(roomId, ctx.requester.userId) !== 'join'
          && m.core.rooms.stateContent(roomId, 'm.room.history_visibility')?.history_visibility !== 'world_readable') {
          throw forbidden('You are not in this room');
        }
        return { aliases: m.core.storage.rooms.aliasesOf(roomId) };
      },
    },
  ];
}
