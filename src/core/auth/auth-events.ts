// Auth events selection (server-server API, "Auth events selection"): which state entries an
// event must cite in `auth_events`, and the structural checks on that list (auth rule 2).

import { eventIdFor } from '../events/hashes.js';
import type { RoomVersionRules } from '../events/room-versions.js';
import { stateTuple, type JsonObject, type Pdu, type StateTuple } from '../events/types.js';
import { isObject } from './power-levels.js';
import { allow, deny, type AuthResult } from './result.js';

/** The (type, state_key) entries whose current events authorise an event of this shape. */
export function authEventTypesFor(
  type: string,
  stateKey: string | undefined,
  sender: string,
  content: JsonObject,
  rules: RoomVersionRules,
): StateTuple[] {
  if (type === 'm.room.create') return [];
  // v12: the room id names the create event, so it is never cited (auth rule 3.2).
  const tuples = rules.roomIdFromCreateEvent ? [] : [stateTuple('m.room.create', '')];
  tuples.push(stateTuple('m.room.power_levels', ''), stateTuple('m.room.member', sender));
  if (type !== 'm.room.member' || stateKey === undefined) return tuples;
  const membership = content.membership;
  add(tuples, stateTuple('m.room.member', stateKey));
  if (membership === 'join' || membership === 'invite' || membership === 'knock') {
    tuples.push(stateTuple('m.room.join_rules', ''));
  }
  const token = thirdPartyInviteToken(content);
  if (membership === 'invite' && token !== undefined) tuples.push(stateTuple('m.room.third_party_invite', token));
  const authoriser = content.join_authorised_via_users_server;
  if (membership === 'join' && rules.restrictedJoin && typeof authoriser === 'string') {
    add(tuples, stateTuple('m.room.member', authoriser));
  }
  return tuples;
}

function add(tuples: StateTuple[], t: StateTuple): void {
  if (!tuples.includes(t)) tuples.push(t);
}

/** `content.third_party_invite.signed.token`, when it is there. */
export function thirdPartyInviteToken(content: JsonObject): string | undefined {
  const invite = content.third_party_invite;
  if (!isObject(invite) || !isObject(invite.signed)) return undefined;
  const token = invite.signed.token;
  return typeof token === 'string' ? token : undefined;
}

/** What an event needs to be described for selection. */
export interface EventShape {
  type: string;
  stateKey?: string;
  sender: string;
  content: JsonObject;
}

/**
 * The ids of the auth events for a new event, from the state it will follow. The state may
 * map to event ids directly, or to PDUs whose ids are then derived by the room version.
 */
export function selectAuthEvents(
  state: ReadonlyMap<StateTuple, string> | ReadonlyMap<StateTuple, Pdu>,
  event: EventShape,
  rules: RoomVersionRules,
): string[] {
  const ids: string[] = [];
  for (const tuple of authEventTypesFor(event.type, event.stateKey, event.sender, event.content, rules)) {
    const entry = state.get(tuple);
    if (entry === undefined) continue;
    const id = typeof entry === 'string' ? entry : eventIdFor(entry, rules);
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/**
 * Auth rule 2 (v12: 3) on the events an event cites ("were themselves rejected" is the caller's:
 * only it knows). Rejects duplicates per (type, state_key), entries the selection algorithm
 * would not pick (in v12 that includes m.room.create), a missing m.room.create before v12, and
 * events of another room.
 */
export function checkAuthEvents(pdu: Pdu, authEvents: readonly Pdu[], rules: RoomVersionRules): AuthResult {
  const expected = new Set(authEventTypesFor(pdu.type, pdu.state_key, pdu.sender, pdu.content, rules));
  const seen = new Set<StateTuple>();
  for (const ev of authEvents) {
    if (typeof ev.state_key !== 'string') return deny(`auth event of type ${ev.type} is not a state event`);
    const tuple = stateTuple(ev.type, ev.state_key);
    if (seen.has(tuple)) return deny(`duplicate auth event for (${ev.type}, ${ev.state_key})`);
    seen.add(tuple);
    if (!expected.has(tuple)) return deny(`auth event (${ev.type}, ${ev.state_key}) is not one the event needs`);
    if (ev.room_id !== pdu.room_id) return deny(`auth event (${ev.type}, ${ev.state_key}) belongs to another room`);
  }
  if (pdu.type !== 'm.room.create' && !rules.roomIdFromCreateEvent && !seen.has(stateTuple('m.room.create', ''))) {
    return deny('auth events hold no m.room.create event');
  }
  return allow();
}
