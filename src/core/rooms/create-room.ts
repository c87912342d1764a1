// Creating a room with the initial events in the order the Client-Server spec gives for
// /createRoom: create, creator's join, power levels, canonical alias, preset state, initial
// state, name, topic, invites. Shared by Matrix createRoom, the XMPP MUC service and the bridge.
import type { JsonObject } from '../events/types.js';
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

function powerLevels(req: CreateRoomRequest, preset: Preset): JsonObject {
  const users: Record<string, number> = { [req.creator]: 100 };
  if (preset === 'trusted_private_chat') for (const u of req.invite ?? []) users[u] = 100;
  const pl: JsonObject = {
    users, users_default: 0,
    events: {
      'm.room.name': 50, 'm.room.power_levels': 100, 'm.room.history_visibility': 100,
      'm.room.canonical_alias': 50, 'm.room.avatar': 50, 'm.room.tombstone': 100,
      'm.room.server_acl': 100, 'm.room.encryption': 100,
    },
    events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 0,
    notifications: { room: 50 },
  };
  return { ...pl, ...(req.powerLevelOverride ?? {}) };
}

export async function createRoom(rooms: RoomService, req: CreateRoomRequest): Promise<{ roomId: string; events: AcceptedEvent[] }> {
  const preset = req.preset ?? 'private_chat';
  const { roomId, create } = await rooms.create(req.creator, req.version, req.creationContent ?? {});
  const events: AcceptedEvent[] = [create];
  const sender = req.creator;
  // The initial events are queued back to back and commit together in one transaction.
  const pending: Promise<AcceptedEvent>[] = [];
  const state = (type: string, content: JsonObject, stateKey = '') =>
    pending.push(rooms.send(roomId, { type, sender, content, stateKey }));

  state('m.room.member', memberContent('join', req.creatorProfile), sender);
  state('m.room.power_levels', powerLevels(req, preset));
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
