// Room upgrades (spec room_upgrades.yaml and client-server-api "Room Upgrades"): a new room of
// the requested version (to v12: with `additional_creators`) with the old one as predecessor and its important state copied, a
// tombstone in the old room, the old room's power levels raised so only moderators speak,
// local aliases and the directory listing moved.
import { createRoom, type Preset } from '../../core/rooms/create-room.js';
import { getRoomVersion } from '../../core/events/index.js';
import type { JsonObject } from '../../core/events/types.js';
import { profileOf, requireJoined, type MatrixContext } from '../context.js';
import { ErrCode, MatrixError, badJson, forbidden } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, isObject, requiredString, roomIdParam, userIdParam } from '../http/validate.js';
import { sendLevel, userLevel } from '../../core/auth/index.js';

/** State carried over unchanged (spec's list, less power levels and aliases handled apart). */
const COPIED = ['m.room.join_rules', 'm.room.history_visibility', 'm.room.guest_access', 'm.room.encryption', 'm.room.server_acl', 'm.room.avatar'];

/** v12 `additional_creators` of the request: user ids (ignored for versions without creators). */
function additionalCreators(body: JsonObject): string[] {
  const v = body.additional_creators;
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((u) => typeof u === 'string')) throw badJson("'additional_creators' must be a list of user IDs");
  for (const u of v) userIdParam(u);
  return [...new Set(v)];
}

/**
 * The new room's power levels: the old ones, with the upgrader given the top level so they can
 * write the copied state (Synapse does the same), or, in a version with creators (v12), with
 * the creators left out since their power is infinite and may not be listed.
 */
function newPowerLevels(pl: JsonObject, me: string, creators: string[] | null): JsonObject {
  const users: JsonObject = { ...(isObject(pl.users) ? pl.users : {}) };
  if (creators === null) users[me] = 100;
  else for (const c of creators) delete users[c];
  return { ...pl, users };
}

async function upgrade(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const oldId = roomIdParam(ctx.params.roomId);
  const me = ctx.requester.userId;
  const head = requireJoined(m, oldId, me);
  const body = bodyObject(ctx.body);
  const version = requiredString(body, 'new_version');
  const newRules = getRoomVersion(version);
  if (!newRules) throw new MatrixError(400, ErrCode.UNSUPPORTED_ROOM_VERSION, `Room version ${version} is not supported`);
  const extraCreators = additionalCreators(body);
  const oldRules = m.core.rooms.rules(head);
  if (userLevel(head.state, me, oldRules) < sendLevel(head.state, 'm.room.tombstone', '', oldRules)) throw forbidden('You may not upgrade this room');
  const state = (type: string) => m.core.rooms.stateContent(oldId, type);
  const pl = state('m.room.power_levels') ?? {};

  const joinRule = state('m.room.join_rules')?.join_rule;
  const preset: Preset = joinRule === 'public' ? 'public_chat' : 'private_chat';
  const name = state('m.room.name')?.name;
  const topic = state('m.room.topic')?.topic;
  const createContent = state('m.room.create') ?? {};
  const creationContent: JsonObject = { predecessor: { room_id: oldId, event_id: head.latestEventId } };
  if (typeof createContent.type === 'string') creationContent.type = createContent.type;
  if (newRules.privilegedCreators && extraCreators.length) creationContent.additional_creators = extraCreators;
  const override = newPowerLevels(pl, me, newRules.privilegedCreators ? [me, ...extraCreators] : null);
  const initialState = COPIED.flatMap((type) => { const c = state(type); return c ? [{ type, state_key: '', content: c }] : []; });
  const { roomId: newId } = await createRoom(m.core.rooms, {
    creator: me, version, preset, creationContent, powerLevelOverride: override, initialState,
    name: typeof name === 'string' ? name : undefined, topic: typeof topic === 'string' ? topic : undefined,
    creatorProfile: profileOf(m, me) ?? undefined,
  });

  await moveAliases(m, oldId, newId, me);
  if (m.core.storage.publicRooms.isPublic(oldId)) {
    m.core.storage.publicRooms.set(oldId, false);
    m.core.storage.publicRooms.set(newId, true);
  }
  await m.core.rooms.send(oldId, { type: 'm.room.tombstone', sender: me, stateKey: '', content: { body: 'This room has been replaced', replacement_room: newId } });
  // Spec: the old room's events_default and invite go to at least 50 (or users_default + 1).
  const usersDefault = typeof pl.users_default === 'number' ? pl.users_default : 0;
  const muted = Math.max(50, usersDefault + 1);
  const restricted = { ...pl, events_default: Math.max(muted, typeof pl.events_default === 'number' ? pl.events_default : 0), invite: Math.max(muted, typeof pl.invite === 'number' ? pl.invite : 0) };
  try {
    await m.core.rooms.send(oldId, { type: 'm.room.power_levels', sender: me, stateKey: '', content: restricted });
  } catch {
    // Someone whose level allows the tombstone but not power-level changes: the tombstone stands.
  }
  return { replacement_room: newId };
}

/** Local aliases follow the room, and the canonical alias with them. */
async function moveAliases(m: MatrixContext, oldId: string, newId: string, me: string): Promise<void> {
  const rooms = m.core.storage.rooms;
  for (const alias of rooms.aliasesOf(oldId)) {
    rooms.deleteAlias(alias);
    rooms.putAlias(alias, newId, me);
  }
  const canonical = m.core.rooms.stateContent(oldId, 'm.room.canonical_alias');
  if (canonical && (typeof canonical.alias === 'string' || Array.isArray(canonical.alt_aliases))) {
    await m.core.rooms.send(newId, { type: 'm.room.canonical_alias', sender: me, stateKey: '', content: canonical });
    try {
      await m.core.rooms.send(oldId, { type: 'm.room.canonical_alias', sender: me, stateKey: '', content: {} });
    } catch {
      // Not allowed to clear it in the old room: the alias itself has moved already.
    }
  }
}

export function upgradeRoutes(m: MatrixContext): Route[] {
  return [{ method: 'POST', path: '/_matrix/client/v3/rooms/:roomId/upgrade', auth: 'required', handler: (ctx) => upgrade(m, ctx) }];
}
