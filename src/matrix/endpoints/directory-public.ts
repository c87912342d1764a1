// The public room directory (spec list_public_rooms.yaml): GET/POST /publicRooms and
// GET/PUT /directory/list/room/{roomId}. Only this server's directory; other servers' need
// federation.
import type { JsonObject } from '../../core/events/types.js';
import { sendLevel, userLevel } from '../../core/auth/index.js';
import { requireRoom, type MatrixContext } from '../context.js';
import { ErrCode, MatrixError, forbidden, invalidParam } from '../errors.js';
import type { AuthedCtx, RequestCtx, Route } from '../http/types.js';
import { bodyObject, isObject, optionalObject, optionalString, roomIdParam } from '../http/validate.js';

/** The chunk entry of a room (spec PublishedRoomsChunk), from its current state. */
export function publishedRoom(m: MatrixContext, roomId: string): JsonObject {
  const state = (type: string) => m.core.rooms.stateContent(roomId, type);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const entry: JsonObject = {
    room_id: roomId,
    num_joined_members: m.core.rooms.joinedMembers(roomId).length,
    world_readable: state('m.room.history_visibility')?.history_visibility === 'world_readable',
    guest_can_join: state('m.room.guest_access')?.guest_access === 'can_join',
    join_rule: str(state('m.room.join_rules')?.join_rule) ?? 'invite',
  };
  const optional: [string, unknown][] = [
    ['name', state('m.room.name')?.name], ['topic', state('m.room.topic')?.topic],
    ['canonical_alias', state('m.room.canonical_alias')?.alias], ['avatar_url', state('m.room.avatar')?.url],
    ['room_type', state('m.room.create')?.type],
  ];
  for (const [k, v] of optional) if (typeof v === 'string') entry[k] = v;
  return entry;
}

function sinceParam(raw: string | null | undefined): number {
  if (raw === null || raw === undefined || raw === '') return 0;
  if (!/^p\d{1,9}$/.test(raw)) throw invalidParam("'since' is not a valid token");
  return Number(raw.slice(1));
}

function list(m: MatrixContext, opts: { limit: number | undefined; since: number; term: string | null; server: string | null }): JsonObject {
  if (opts.server !== null && opts.server !== m.core.config.server_name) {
    throw new MatrixError(404, ErrCode.NOT_FOUND, 'Room directories of other servers are not available');
  }
  const term = opts.term?.toLowerCase() ?? null;
  const rooms = m.core.storage.publicRooms.list()
    .filter((id) => m.core.rooms.head(id) !== null)
    .map((id) => publishedRoom(m, id))
    .filter((r) => term === null || [r.name, r.topic, r.canonical_alias].some((v) => typeof v === 'string' && v.toLowerCase().includes(term)))
    .sort((a, b) => (b.num_joined_members as number) - (a.num_joined_members as number));
  const limit = opts.limit ?? rooms.length;
  const chunk = rooms.slice(opts.since, opts.since + limit);
  const out: JsonObject = { chunk, total_room_count_estimate: rooms.length };
  if (opts.since + limit < rooms.length) out.next_batch = `p${opts.since + limit}`;
  if (opts.since > 0) out.prev_batch = `p${Math.max(0, opts.since - limit)}`;
  return out;
}

function limitOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalidParam("'limit' must be a non-negative integer");
  return Math.min(n, 500);
}

function getList(m: MatrixContext, ctx: RequestCtx): JsonObject {
  return list(m, { limit: limitOf(ctx.query.get('limit') ?? undefined), since: sinceParam(ctx.query.get('since')), term: null, server: ctx.query.get('server') });
}

function postList(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const body = bodyObject(ctx.body);
  const filter = optionalObject(body, 'filter');
  const term = filter ? optionalString(filter, 'generic_search_term') ?? null : null;
  return list(m, { limit: limitOf(body.limit), since: sinceParam(optionalString(body, 'since')), term, server: ctx.query.get('server') });
}

/** Publishing needs the power to change the room's canonical alias, as Synapse checks. */
function mayPublish(m: MatrixContext, roomId: string, userId: string): boolean {
  if (m.core.rooms.membership(roomId, userId) !== 'join') return false;
  const head = requireRoom(m, roomId);
  const rules = m.core.rooms.rules(head);
  return userLevel(head.state, userId, rules) >= sendLevel(head.state, 'm.room.canonical_alias', '', rules);
}

function setVisibility(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  requireRoom(m, roomId);
  const visibility = optionalString(bodyObject(ctx.body), 'visibility') ?? 'public';
  if (visibility !== 'public' && visibility !== 'private') throw invalidParam("'visibility' must be public or private");
  if (!mayPublish(m, roomId, ctx.requester.userId)) throw forbidden('You may not change the directory listing of this room');
  m.core.storage.publicRooms.set(roomId, visibility === 'public');
  return {};
}

export function publicRoomRoutes(m: MatrixContext): Route[] {
  const vis = '/_matrix/client/v3/directory/list/room/:roomId';
  return [
    { method: 'GET', path: '/_matrix/client/v3/publicRooms', auth: 'optional', handler: (ctx) => getList(m, ctx) },
    { method: 'POST', path: '/_matrix/client/v3/publicRooms', auth: 'required', handler: (ctx) => postList(m, ctx) },
    {
      method: 'GET', path: vis, auth: 'none',
      handler: (ctx) => {
        const roomId = roomIdParam(ctx.params.roomId);
        requireRoom(m, roomId);
        return { visibility: m.core.storage.publicRooms.isPublic(roomId) ? 'public' : 'private' };
      },
    },
    { method: 'PUT', path: vis, auth: 'required', handler: (ctx) => setVisibility(m, ctx) },
  ];
}
