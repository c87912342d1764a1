// Small readers of the room state that the auth rules ask about.

import { parseUserId } from '../ids.js';
import { eventIdFor } from '../events/hashes.js';
import type { RoomVersionRules } from '../events/room-versions.js';
import { stateTuple, type Pdu, type StateMap } from '../events/types.js';
import { userLevel } from './power-levels.js';
import type { AuthOptions } from './result.js';

/** What every rule looks at: the event, the state that authorises it, the version's rules. */
export interface AuthContext {
  pdu: Pdu;
  state: StateMap;
  rules: RoomVersionRules;
  options: AuthOptions;
}

/** A user's current membership; a user with no member event has left (never joined). */
export function membershipOf(state: StateMap, userId: string): string {
  const m = state.get(stateTuple('m.room.member', userId))?.content.membership;
  return typeof m === 'string' ? m : 'leave';
}

/**
 * The current join rule. With no m.room.join_rules event the room is treated as invite-only,
 * as Synapse and ruma do, so an invited user can still join such a room.
 */
export function joinRuleOf(state: StateMap): string {
  const rule = state.get(stateTuple('m.room.join_rules', ''))?.content.join_rule;
  return typeof rule === 'string' ? rule : 'invite';
}

export function createEventOf(state: StateMap): Pdu | undefined {
  return state.get(stateTuple('m.room.create', ''));
}

// A room's create event is hashed for every event of a v12 room (auth rule 2): once is enough.
const createIds = new WeakMap<Pdu, string>();

/** The create event's id, or undefined for a v1/v2 create event that carries none. */
export function createEventIdOf(create: Pdu, rules: RoomVersionRules): string | undefined {
  let id = createIds.get(create);
  if (id === undefined) {
    try {
      id = eventIdFor(create, rules);
    } catch {
      return undefined;
    }
    createIds.set(create, id);
  }
  return id;
}

/** The server part of a user id, or undefined if it is not a user id. */
export function userServer(userId: string): string | undefined {
  return parseUserId(userId)?.server;
}

/** The domain of a room id (`!opaque:domain`) or a v1/v2 event id (`$opaque:domain`). */
export function sigilDomain(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon > 0 ? id.slice(colon + 1) : undefined;
}

export function levelOf(ctx: AuthContext, userId: string): number {
  return userLevel(ctx.state, userId, ctx.rules);
}
