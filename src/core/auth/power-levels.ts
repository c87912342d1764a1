// Reading power levels with the spec's defaults (client-server API, m.room.power_levels; server-
// server API, "Definitions"). Older room versions let levels be strings ("50", v1-v9) or floats
// (v1-v5, truncated); v10 accepts only integers. Everything here reads; nothing decides.

import type { RoomVersionRules } from '../events/room-versions.js';
import { stateTuple, type JsonObject, type JsonValue, type Pdu, type StateMap } from '../events/types.js';

/** Levels that have a default when absent, and the defaults. */
export const LEVEL_DEFAULTS = Object.freeze({
  users_default: 0,
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
});
export type LevelKey = keyof typeof LEVEL_DEFAULTS;
export const LEVEL_KEYS = Object.freeze(Object.keys(LEVEL_DEFAULTS) as LevelKey[]);

/** The maps of levels inside the content. */
export type LevelMapKey = 'users' | 'events' | 'notifications';

/** The implicit level of the creator when the room has no power levels event. */
export const CREATOR_DEFAULT_LEVEL = 100;
/** `notifications.room` when absent. */
export const ROOM_NOTIFICATION_DEFAULT_LEVEL = 50;

// Optional whitespace, optional sign, decimal digits (spec: v1-stringy-power-levels).
const STRINGY_INTEGER = /^\s*([+-]?\d+)\s*$/;

/**
 * A power level as a number, or undefined when the value is absent or not a valid level for
 * this room version.
 */
export function parseLevel(value: JsonValue | undefined, rules: RoomVersionRules): number | undefined {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
    // v1-v5 did not enforce canonical JSON: floats count, truncated toward zero.
    return !rules.strictCanonicalJson && Number.isFinite(value) ? Math.trunc(value) : undefined;
  }
  if (typeof value === 'string' && !rules.integerPowerLevels) {
    const m = STRINGY_INTEGER.exec(value);
    return m ? Number.parseInt(m[1], 10) : undefined;
  }
  return undefined;
}

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A top-level level of the content, or its default. */
export function levelIn(content: JsonObject | undefined, key: LevelKey, rules: RoomVersionRules): number {
  return parseLevel(content?.[key], rules) ?? LEVEL_DEFAULTS[key];
}

/** An entry of `users`, `events` or `notifications`, undefined when absent or invalid. */
export function mapLevel(content: JsonObject | undefined, map: LevelMapKey, entry: string, rules: RoomVersionRules): number | undefined {
  const m = content?.[map];
  return isObject(m) && Object.hasOwn(m, entry) ? parseLevel(m[entry], rules) : undefined;
}

export function powerLevelsEvent(state: StateMap): Pdu | undefined {
  return state.get(stateTuple('m.room.power_levels', ''));
}

/** The room creator: the create event's sender from v11, `content.creator` before. */
export function roomCreator(create: Pdu | undefined, rules: RoomVersionRules): string | undefined {
  if (!create) return undefined;
  if (rules.implicitRoomCreator) return create.sender;
  const creator = create.content.creator;
  return typeof creator === 'string' ? creator : undefined;
}

/**
 * v12's room creators: the create event's sender and its `additional_creators` (only strings
 * count; auth rule 1.4 refused a create event with anything else there).
 */
export function roomCreators(create: Pdu | undefined, rules: RoomVersionRules): string[] {
  if (!create) return [];
  const creators = [create.sender];
  const extra = create.content.additional_creators;
  if (rules.privilegedCreators && Array.isArray(extra)) {
    for (const u of extra) if (typeof u === 'string' && !creators.includes(u)) creators.push(u);
  }
  return creators;
}

/**
 * A user's level: from v12 a creator's is infinite; otherwise `users[user]`, else
 * `users_default`; with no power levels, the creator has 100.
 */
export function userLevel(state: StateMap, userId: string, rules: RoomVersionRules): number {
  const create = state.get(stateTuple('m.room.create', ''));
  if (rules.privilegedCreators && roomCreators(create, rules).includes(userId)) return Infinity;
  const pl = powerLevelsEvent(state);
  if (pl) return mapLevel(pl.content, 'users', userId, rules) ?? levelIn(pl.content, 'users_default', rules);
  return userId === roomCreator(create, rules) ? CREATOR_DEFAULT_LEVEL : 0;
}

/** The level needed to send an event: `events[type]`, else state_default or events_default. */
export function sendLevel(state: StateMap, type: string, stateKey: string | undefined, rules: RoomVersionRules): number {
  const content = powerLevelsEvent(state)?.content;
  const explicit = mapLevel(content, 'events', type, rules);
  if (explicit !== undefined) return explicit;
  return levelIn(content, stateKey === undefined ? 'events_default' : 'state_default', rules);
}

/** The ban, kick, redact or invite level. */
export function actionLevel(state: StateMap, action: 'ban' | 'kick' | 'redact' | 'invite', rules: RoomVersionRules): number {
  return levelIn(powerLevelsEvent(state)?.content, action, rules);
}

/** A `notifications` level (such as `room`, for @room mentions). */
export function notificationLevel(state: StateMap, key: string, rules: RoomVersionRules): number {
  const explicit = mapLevel(powerLevelsEvent(state)?.content, 'notifications', key, rules);
  return explicit ?? ROOM_NOTIFICATION_DEFAULT_LEVEL;
}
