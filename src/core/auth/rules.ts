// The authorization rules of room versions 1-12 (content/rooms/v*.md, "Authorisation rules").
// Comments give v6-v11 rule numbers; v1-v5 have the m.room.aliases rule as 4 and so are one
// higher from there on, and v12 inserted a rule 2 (the room id names the create event), so its
// numbers from 2 on are one higher. Redactions are allowed here like any event from v3 on; whether a
// redaction is *applied* is decided later ("Handling redactions"), by the caller.

import type { RoomVersionRules } from '../events/room-versions.js';
import { getRoomVersion } from '../events/room-versions.js';
import { roomIdOfCreateEvent } from '../events/wire.js';
import type { Pdu, StateMap } from '../events/types.js';
import { authEventTypesFor } from './auth-events.js';
import { authorizeMember } from './membership.js';
import { authorizePowerLevels } from './power-level-changes.js';
import { actionLevel, sendLevel } from './power-levels.js';
import { allow, deny, type AuthOptions, type AuthResult } from './result.js';
import { createEventIdOf, createEventOf, levelOf, membershipOf, sigilDomain, userServer, type AuthContext } from './state.js';

/**
 * Whether `pdu` is allowed given `authState`: its auth events, or the room state before it,
 * or the current state (the three checks of "Checks performed on receipt of a PDU"). From v12
 * `authState` must also hold the room's create event, which the room id names instead of the
 * auth events. Hashes,
 * signatures and whether the auth events were themselves rejected are checked elsewhere.
 */
export function authorizeEvent(pdu: Pdu, authState: StateMap, rules: RoomVersionRules, options: AuthOptions = {}): AuthResult {
  if (pdu.type === 'm.room.create') return authorizeCreate(pdu, rules);
  const ctx: AuthContext = { pdu, state: authState, rules, options };
  const steps = [checkAuthState, checkFederation, checkByType, checkSenderJoined, checkThirdPartyInvite, checkRequiredLevel, checkUserStateKey, checkPowerLevels, checkLegacyRedaction];
  for (const step of steps) {
    const result = step(ctx);
    if (result !== undefined) return result;
  }
  return allow(); // 10
}

/** A step returns a verdict to stop at, or undefined to go on to the next rule. */
type Step = (ctx: AuthContext) => AuthResult | undefined;

// 1
function authorizeCreate(pdu: Pdu, rules: RoomVersionRules): AuthResult {
  if (pdu.prev_events.length > 0) return deny('m.room.create must have no prev_events');
  if (rules.roomIdFromCreateEvent) {
    // v12 1.2: the room id is derived from this event, so it carries none (on the wire: wire.ts).
    if (Object.hasOwn(pdu, 'room_id')) return deny('m.room.create must not have a room_id');
  } else {
    const senderServer = userServer(pdu.sender);
    if (senderServer === undefined || sigilDomain(pdu.room_id) !== senderServer) {
      return deny('room id domain does not match the sender domain');
    }
  }
  const version = pdu.content.room_version;
  if (version !== undefined && (typeof version !== 'string' || !getRoomVersion(version))) {
    return deny(`unknown room version ${JSON.stringify(version)}`);
  }
  // v12 1.4
  const additional = pdu.content.additional_creators;
  if (rules.privilegedCreators && additional !== undefined) {
    if (!Array.isArray(additional) || !additional.every((u) => typeof u === 'string' && userServer(u) !== undefined)) {
      return deny('additional_creators must be a list of user ids');
    }
  }
  if (!rules.implicitRoomCreator && pdu.content.creator === undefined) return deny('m.room.create has no creator');
  return allow();
}

// 2.4, 2.5 as far as the given state shows them (checkAuthEvents does all of 2 on a list); v12 2.
const checkAuthState: Step = (ctx) => {
  const create = createEventOf(ctx.state);
  if (!create) return deny('no m.room.create event in the auth events');
  const { pdu, rules } = ctx;
  if (rules.roomIdFromCreateEvent && pdu.room_id !== roomIdOfCreateEvent(createEventIdOf(create, rules)!)) {
    return deny('room id is not the id of the room\'s create event');
  }
  for (const tuple of authEventTypesFor(pdu.type, pdu.state_key, pdu.sender, pdu.content, rules)) {
    const ev = ctx.state.get(tuple);
    if (ev && ev.room_id !== pdu.room_id) return deny(`auth event ${ev.type} belongs to another room`);
  }
  return undefined;
};

// 3
const checkFederation: Step = (ctx) => {
  const create = createEventOf(ctx.state)!;
  if (create.content['m.federate'] !== false) return undefined;
  if (userServer(ctx.pdu.sender) === userServer(create.sender)) return undefined;
  return deny('room does not federate and the sender is from another server');
};

// v1-v5 rule 4 (m.room.aliases); 4 (m.room.member).
const checkByType: Step = (ctx) => {
  const { pdu, rules } = ctx;
  if (pdu.type === 'm.room.aliases' && rules.specialCaseAliasesAuth) {
    if (pdu.state_key === undefined) return deny('m.room.aliases without state_key');
    if (pdu.state_key !== userServer(pdu.sender)) return deny('m.room.aliases state_key must be the sender domain');
    return allow();
  }
  if (pdu.type === 'm.room.member') return authorizeMember(ctx);
  return undefined;
};

// 5
const checkSenderJoined: Step = (ctx) =>
  membershipOf(ctx.state, ctx.pdu.sender) === 'join' ? undefined : deny('sender is not joined to the room');

// 6
const checkThirdPartyInvite: Step = (ctx) => {
  if (ctx.pdu.type !== 'm.room.third_party_invite') return undefined;
  if (levelOf(ctx, ctx.pdu.sender) >= actionLevel(ctx.state, 'invite', ctx.rules)) return allow();
  return deny('sender power level is below the invite level');
};

// 7
const checkRequiredLevel: Step = (ctx) => {
  const { pdu, state, rules } = ctx;
  const required = sendLevel(state, pdu.type, pdu.state_key, rules);
  return required > levelOf(ctx, pdu.sender) ? deny(`sending ${pdu.type} needs power level ${required}`) : undefined;
};

// 8
const checkUserStateKey: Step = (ctx) => {
  const key = ctx.pdu.state_key;
  if (key === undefined || !key.startsWith('@') || key === ctx.pdu.sender) return undefined;
  return deny('a state_key starting with @ must be the sender');
};

// 9
const checkPowerLevels: Step = (ctx) => (ctx.pdu.type === 'm.room.power_levels' ? authorizePowerLevels(ctx) : undefined);

// v1, v2 rule 11: a redaction needs the redact level, or the same origin as its target.
const checkLegacyRedaction: Step = (ctx) => {
  const { pdu, state, rules } = ctx;
  if (pdu.type !== 'm.room.redaction' || !rules.redactionAuthRule) return undefined;
  if (levelOf(ctx, pdu.sender) >= actionLevel(state, 'redact', rules)) return allow();
  const ownId = (pdu as unknown as { event_id?: unknown }).event_id;
  const target = pdu.redacts;
  if (typeof ownId === 'string' && typeof target === 'string' && sigilDomain(ownId) === sigilDomain(target)) return allow();
  return deny('sender may not redact events of other servers');
};
