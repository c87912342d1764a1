// Creating a room with the initial events in the order the Client-Server spec gives for
// /createRoom: create, creator's join, power levels, canonical alias, preset state, initial
// state, name, topic, invites. Shared by Matrix createRoom, the XMPP MUC service and the bridge.
import type { JsonObject } from '../events/types.js';
import { DEFAULT_ROOM_VERSION, getRoomVersion, type RoomVersionRules } from '../events/room-versions.js';
import { RoomError } from './errors.js';
import type { RoomService, AcceptedEvent } from './service.js';

export type Preset = 'private_chat' | 'public_chat' | 'trusted_private_chat';

export interface CreateRoomRequest {
  creator: string;
  preset?: Preset;
  version?: string;
  name?: string;
  topic?: string;
  /** Full alias (#local:server), already reserved by the caller. */
  alias?: string;
  invite?: string[];
  isDirect?: boolean;
  initialState?: { type: string; state_key?: string; content: JsonObject }[];
  powerLevelOverride?: JsonObject;
  creationContent?: JsonObject;
  /** The creator's profile for their member event. */
  creatorProfile?: { displayname?: string | null; avatar_url?: string | null };
  /** Users the server joins at once after the invites (local DMs made from XMPP, where there is no invite step). */
  autoJoin?: { userId: string; displayname?: string | null; avatar_url?: string | null }[];
}

const PRESET_STATE: Record<Preset, { join_rule: string; history: string; guest: string }> = {
  private_chat: { join_rule: 'invite', history: 'shared', guest: 'can_join' },
  trusted_private_chat: { join_rule: 'invite', history: 'shared', guest: 'can_join' },
  public_chat: { join_rule: 'public', history: 'shared', guest: 'forbidden' },
};

export function memberContent(membership: string, profile?: { displayname?: string | null; avatar_url?: string | null }, extra: JsonObject = {}): JsonObject {
  const c: JsonObject = { membership, ...extra };
  if (profile?.displayname) c.displayname = profile.displayname;
  if (profile?.avatar_url) c.avatar_url = profile.avatar_url;
  return c;
}

function powerLevels(req: CreateRoomRequest, preset: Preset, rules: RoomVersionRules): JsonObject {
  // v12: creators have infinite power and may not be listed; trusted invitees became creators.
  const users: Record<string, number> = rules.privilegedCreators ? {} : { [req.creator]: 100 };
  if (preset === 'trusted_private_chat' && !rules.privilegedCreators) for (const u of req.invite ?? []) users[u] = 100;
  const pl: JsonObject = {
    users, users_default: 0,
    events: {
      'm.room.name': 50, 'm.room.power_levels': 100, 'm.room.history_visibility': 100,
      // v12 (spec createRoom): upgrading must need more than the state level an admin can be given.
      'm.room.canonical_alias': 50, 'm.room.avatar': 50, 'm.room.tombstone': rules.privilegedCreators ? 150 : 100,
      'm.room.server_acl': 100, 'm.room.encryption': 100,
    },
    events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 0,
    notifications: { room: 50 },
  };
  const out: JsonObject = { ...pl, ...(req.powerLevelOverride ?? {}) };
  // v12: an override written for older versions may list the creators (clients give the creator
  // 100); their power is infinite anyway, and the auth rules refuse a list that names them.
  const given = out.users;
  if (rules.privilegedCreators && given && typeof given === 'object' && !Array.isArray(given)) {
    const creators = new Set([req.creator, ...creatorsOf(req, preset, rules)]);
    out.users = Object.fromEntries(Object.entries(given).filter(([u]) => !creators.has(u)));
  }
  return out;
}

function creatorsOf(req: CreateRoomRequest, preset: Preset, rules: RoomVersionRules): string[] {
  const extra = creationContent(req, preset, rules).additional_creators;
  return Array.isArray(extra) ? extra.filter((u): u is string => typeof u === 'string') : [];
}

/** v12 `trusted_private_chat`: the invitees join `additional_creators` (spec createRoom). */
function creationContent(req: CreateRoomRequest, preset: Preset, rules: RoomVersionRules): JsonObject {
  const content = { ...(req.creationContent ?? {}) };
  if (!rules.privilegedCreators || preset !== 'trusted_private_chat' || !req.invite?.length) return content;
  const given = Array.isArray(content.additional_creators) ? content.additional_creators : [];
  content.additional_creators = [...new Set([...given, ...req.invite])];
  return content;
}

export async function createRoom(rooms: RoomService, req: CreateRoomRequest): Promise<{ roomId: string; events: AcceptedEvent[] }> {
  const preset = req.preset ?? 'private_chat';
  const rules = getRoomVersion(req.version ?? DEFAULT_ROOM_VERSION);
  if (!rules) throw new RoomError('unsupported_version', `room version ${req.version} is not supported`);
  const { roomId, create } = await rooms.create(req.creator, req.version, creationContent(req, preset, rules));
  const events: AcceptedEvent[] = [create];
  const sender = req.creator;
  // The initial events are queued back to back and commit together in one transaction.
  const pending: Promise<AcceptedEvent>[] = [];
  const state = (type: string, content: JsonObject, stateKey = '') =>
    pending.push(rooms.send(roomId, { type, sender, content, stateKey }));

  state('m.room.member', memberContent('join', req.creatorProfile), sender);
  state('m.room.power_levels', powerLevels(req, preset, rules));
  if (req.alias) state('m.room.canonical_alias', { alias: req.alias });
  const p = PRESET_STATE[preset];
  state('m.room.join_rules', { join_rule: p.join_rule });
  state('m.room.history_visibility', { history_visibility: p.history });
  state('m.room.guest_access', { guest_access: p.guest });
  for (const s of req.initialState ?? []) state(s.type, s.content, s.state_key ?? '');
  if (req.name !== undefined) state('m.room.name', { name: req.name });
  // v1.15 (MSC3765): the topic also as an `m.topic` block, the plain-text mimetype said.
  if (req.topic !== undefined) state('m.room.topic', { topic: req.topic, 'm.topic': { 'm.text': [{ body: req.topic, mimetype: 'text/plain' }] } });
  for (const invitee of req.invite ?? []) {
    state('m.room.member', { membership: 'invite', ...(req.isDirect ? { is_direct: true } : {}) }, invitee);
  }
  // A join is always sent by the joining user (auth rules); the server acts for its own users.
  for (const j of req.autoJoin ?? []) {
    const { userId, ...profile } = j;
    pending.push(rooms.send(roomId, { type: 'm.room.member', sender: userId, stateKey: userId, content: memberContent('join', profile) }));
  }
  events.push(...(await Promise.all(pending)));
  return { roomId, events };
}
