// Room creation (spec create_room.yaml) and the list of joined rooms (list_joined_rooms.yaml).
import { createRoom, type CreateRoomRequest, type Preset } from '../../core/rooms/create-room.js';
import { RoomError } from '../../core/rooms/errors.js';
import type { JsonObject } from '../../core/events/types.js';
import { parseUserId } from '../../core/ids.js';
import { isReachable, profileOf, type MatrixContext } from '../context.js';
import { ErrCode, MatrixError, badJson, invalidParam, notFound } from '../errors.js';
import type { Route } from '../http/types.js';
import {
  bodyObject, isObject, optionalArray, optionalBoolean, optionalObject, optionalString,
} from '../http/validate.js';
import { checkInviteAllowed } from '../invite-permission.js';

const PRESETS: readonly Preset[] = ['private_chat', 'public_chat', 'trusted_private_chat'];

/** Aliases being created right now: reserved before the room exists, so two requests cannot race. */
const reserving = new Set<string>();

/** True while a createRoom holds the alias (PUT /directory must not take it meanwhile). */
export function aliasReserved(alias: string): boolean {
  return reserving.has(alias);
}

function parsePreset(body: JsonObject): Preset {
  const preset = optionalString(body, 'preset');
  if (preset !== undefined) {
    if (!(PRESETS as string[]).includes(preset)) throw invalidParam(`Unknown preset '${preset}'`);
    return preset as Preset;
  }
  const visibility = optionalString(body, 'visibility');
  if (visibility !== undefined && visibility !== 'public' && visibility !== 'private') throw invalidParam("'visibility' must be public or private");
  return visibility === 'public' ? 'public_chat' : 'private_chat';
}

function parseInvites(m: MatrixContext, body: JsonObject): string[] {
  const list = optionalArray(body, 'invite') ?? [];
  for (const u of list) {
    if (typeof u !== 'string' || !parseUserId(u)) throw invalidParam(`${JSON.stringify(u)} is not a valid user ID`);
    if (!isReachable(m, u)) throw notFound(`Unknown user ${u}`);
    // Checked before anything is created, so a refused invite leaves no half-made room.
    checkInviteAllowed(m.core.accountData, u);
  }
  return list as string[];
}

function parseInitialState(body: JsonObject): CreateRoomRequest['initialState'] {
  return (optionalArray(body, 'initial_state') ?? []).map((s) => {
    if (!isObject(s) || typeof s.type !== 'string' || !isObject(s.content)) throw badJson('initial_state entries need a type and a content object');
    if (s.state_key !== undefined && typeof s.state_key !== 'string') throw badJson("initial_state 'state_key' must be a string");
    return { type: s.type, state_key: s.state_key as string | undefined, content: s.content };
  });
}

function aliasFor(m: MatrixContext, body: JsonObject): string | undefined {
  const name = optionalString(body, 'room_alias_name');
  if (name === undefined) return undefined;
  if (name === '' || /[:\s#]/.test(name)) throw invalidParam('Invalid characters in room alias');
  const alias = `#${name}:${m.core.config.server_name}`;
  if (alias.length > 255) throw invalidParam('Room alias too long');
  if (reserving.has(alias) || m.core.storage.rooms.getAlias(alias) !== null) {
    throw new MatrixError(400, ErrCode.ROOM_IN_USE, 'Room alias already taken');
  }
  return alias;
}

async function create(m: MatrixContext, userId: string, raw: unknown): Promise<JsonObject> {
  const body = bodyObject(raw);
  const invite = parseInvites(m, body);
  const isDirect = optionalBoolean(body, 'is_direct') ?? false;
  const req: CreateRoomRequest = {
    creator: userId, preset: parsePreset(body), version: optionalString(body, 'room_version'),
    name: optionalString(body, 'name'), topic: optionalString(body, 'topic'), invite, isDirect,
    initialState: parseInitialState(body), powerLevelOverride: optionalObject(body, 'power_level_content_override'),
    creationContent: optionalObject(body, 'creation_content'), creatorProfile: profileOf(m, userId) ?? undefined,
  };
  const alias = aliasFor(m, body);
  if (alias) reserving.add(alias);
  try {
    const { roomId } = await createRoom(m.core.rooms, { ...req, alias });
    if (alias) await m.core.storage.writes.enqueue(() => { m.core.storage.rooms.putAlias(alias, roomId, userId); });
    // Spec createRoom `visibility: public`: the room goes into the public room directory.
    if (body.visibility === 'public') m.core.storage.publicRooms.set(roomId, true);
    // A DM made on Matrix is the same conversation XMPP uses for the pair (DESIGN §1).
    if (isDirect && invite.length === 1) await m.core.directs.register(roomId, userId, invite[0]);
    return { room_id: roomId };
  } catch (err) {
    // The creator's own initial events were refused (e.g. a power override below what the
    // name needs): the spec calls that an invalid room state.
    if (err instanceof RoomError && err.code === 'forbidden') throw new MatrixError(400, ErrCode.INVALID_ROOM_STATE, err.message);
    throw err;
  } finally {
    if (alias) reserving.delete(alias);
  }
}

export function roomRoutes(m: MatrixContext): Route[] {
  return [
    { method: 'POST', path: '/_matrix/client/v3/createRoom', auth: 'required', handler: (ctx) => create(m, ctx.requester.userId, ctx.body) },
    {
      method: 'GET', path: '/_matrix/client/v3/joined_rooms', auth: 'required',
      handler: (ctx) => ({ joined_rooms: m.core.storage.rooms.roomsForUser(ctx.requester.userId, ['join']).map((r) => r.roomId) }),
    },
  ];
}
