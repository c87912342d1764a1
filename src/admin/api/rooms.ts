// Admin API: rooms. List, members, delete (every local member leaves, aliases go; with
// `purge: true` the room's history is deleted from the database too).
import type { MatrixContext } from '../../matrix/context.js';
import { notFound } from '../../matrix/errors.js';
import type { AuthedCtx } from '../../matrix/http/types.js';
import { bodyObject, optionalBoolean } from '../../matrix/http/validate.js';
import type { AdminRoute } from './index.js';

function requireRoom(m: MatrixContext, roomId: string): void {
  if (!m.core.rooms.head(roomId)) throw notFound(`Unknown room ${roomId}`);
}

function roomSummary(m: MatrixContext, roomId: string): Record<string, unknown> {
  const r = m.core.storage.rooms.getRoom(roomId)!;
  const name = m.core.rooms.stateContent(roomId, 'm.room.name')?.name;
  const alias = m.core.rooms.stateContent(roomId, 'm.room.canonical_alias')?.alias;
  return {
    room_id: roomId,
    version: r.version,
    creator: r.creator,
    created_ts: r.createdTs,
    name: typeof name === 'string' ? name : null,
    canonical_alias: typeof alias === 'string' ? alias : null,
    joined_members: m.core.rooms.joinedMembers(roomId).length,
    events: m.core.storage.admin.roomEventCount(roomId),
  };
}

async function deleteRoom(m: MatrixContext, ctx: AuthedCtx): Promise<Record<string, unknown>> {
  const roomId = ctx.params.roomId;
  requireRoom(m, roomId);
  // `purge` in the body (as Synapse's API has it) or as ?purge=true.
  const purge = optionalBoolean(bodyObject(ctx.body), 'purge') ?? ctx.query.get('purge') === 'true';
  const suffix = `:${m.core.config.server_name}`;
  const left: string[] = [];
  for (const { userId, membership } of m.core.storage.rooms.members(roomId)) {
    if (!userId.endsWith(suffix) || !['join', 'invite', 'knock'].includes(membership)) continue;
    try {
      await m.core.rooms.send(roomId, { type: 'm.room.member', sender: userId, stateKey: userId, content: { membership: 'leave' } });
      left.push(userId);
    } catch {
      // A member the rules do not let leave (none expected) must not stop the deletion.
    }
  }
  for (const alias of m.core.storage.rooms.aliasesOf(roomId)) m.core.storage.rooms.deleteAlias(alias);
  if (purge) {
    await m.core.storage.writes.flush();
    m.core.storage.admin.purgeRoom(roomId);
    m.core.rooms.forget(roomId);
  }
  return { left_members: left, purged: purge };
}

export function roomAdminRoutes(m: MatrixContext): AdminRoute[] {
  return [
    { method: 'GET', path: '/rooms', handler: () => ({ rooms: m.core.storage.rooms.listRooms().map((r) => roomSummary(m, r.roomId)) }) },
    { method: 'GET', path: '/rooms/:roomId', handler: (ctx) => { requireRoom(m, ctx.params.roomId); return roomSummary(m, ctx.params.roomId); } },
    {
      method: 'GET', path: '/rooms/:roomId/members',
      handler: (ctx) => {
        requireRoom(m, ctx.params.roomId);
        return { members: m.core.storage.rooms.members(ctx.params.roomId).map((r) => ({ user_id: r.userId, membership: r.membership })) };
      },
    },
    { method: 'DELETE', path: '/rooms/:roomId', handler: (ctx) => deleteRoom(m, ctx) },
  ];
}
