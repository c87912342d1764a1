// Auth rule 9 (v6-v11 numbering; rule 10 in v1-v5 and v12): who may change m.room.power_levels, and how.
// In short: nobody may grant or take away more than their own level, and nobody may change
// the level of a user at or above their own (except themselves).

import { parseUserId } from '../ids.js';
import type { JsonObject } from '../events/types.js';
import { LEVEL_KEYS, isObject, parseLevel, powerLevelsEvent, roomCreators, type LevelMapKey } from './power-levels.js';
import { allow, deny, type AuthResult } from './result.js';
import { createEventOf, levelOf, type AuthContext } from './state.js';

export function authorizePowerLevels(ctx: AuthContext): AuthResult {
  const content = ctx.pdu.content;
  const shape = checkShape(content, ctx);
  if (!shape.allowed) return shape;
  const current = powerLevelsEvent(ctx.state);
  if (!current) return allow(); // 9.4: the first power levels event sets the scene
  const senderLevel = levelOf(ctx, ctx.pdu.sender);
  const checks = [
    () => checkTopLevel(current.content, content, senderLevel, ctx),
    () => checkMap('events', current.content, content, senderLevel, ctx),
    () => (ctx.rules.limitNotificationsPowerLevels ? checkMap('notifications', current.content, content, senderLevel, ctx) : allow()),
    () => checkUsers(current.content, content, senderLevel, ctx),
  ];
  for (const check of checks) {
    const result = check();
    if (!result.allowed) return result;
  }
  return allow();
}

// 9.1-9.3 (v10 added 9.1 and 9.2). Older versions only required `users` to be well formed; a
// value that is no level at all is refused in every version, since it cannot be compared.
function checkShape(content: JsonObject, ctx: AuthContext): AuthResult {
  for (const key of LEVEL_KEYS) {
    if (content[key] !== undefined && parseLevel(content[key], ctx.rules) === undefined) {
      return deny(`power level ${key} is not an integer`);
    }
  }
  for (const map of ['events', 'notifications'] as const) {
    const m = content[map];
    if (m === undefined) continue;
    if (!isObject(m)) return deny(`power levels ${map} is not an object`);
    for (const [k, v] of Object.entries(m)) {
      if (parseLevel(v, ctx.rules) === undefined) return deny(`power level ${map}.${k} is not an integer`);
    }
  }
  const users = content.users;
  // An absent map is an empty one (Synapse and ruma agree), though the spec's wording is "not an object".
  if (users === undefined) return allow();
  if (!isObject(users)) return deny('power levels users is not an object');
  for (const [user, v] of Object.entries(users)) {
    if (!parseUserId(user)) return deny(`power levels users key ${user} is not a user id`);
    if (parseLevel(v, ctx.rules) === undefined) return deny(`power level of ${user} is not an integer`);
  }
  // v12 10.4: creators' power is not the power levels' to give or take.
  if (ctx.rules.privilegedCreators) {
    const creator = roomCreators(createEventOf(ctx.state), ctx.rules).find((u) => Object.hasOwn(users, u));
    if (creator !== undefined) return deny(`power levels may not list ${creator}, a room creator`);
  }
  return allow();
}

// 9.5: any change to a top-level level needs both old and new value within the sender's reach.
function checkTopLevel(before: JsonObject, after: JsonObject, senderLevel: number, ctx: AuthContext): AuthResult {
  for (const key of LEVEL_KEYS) {
    const oldValue = parseLevel(before[key], ctx.rules);
    const newValue = parseLevel(after[key], ctx.rules);
    if (oldValue === newValue) continue;
    if (oldValue !== undefined && oldValue > senderLevel) return deny(`cannot change ${key} from above own level`);
    if (newValue !== undefined && newValue > senderLevel) return deny(`cannot set ${key} above own level`);
  }
  return allow();
}

// 9.6, 9.7: the same for each entry of `events` (and, from v6, `notifications`).
function checkMap(map: LevelMapKey, before: JsonObject, after: JsonObject, senderLevel: number, ctx: AuthContext): AuthResult {
  for (const [key, oldValue, newValue] of changedEntries(map, before, after, ctx)) {
    if (oldValue !== undefined && oldValue > senderLevel) return deny(`cannot change ${map}.${key} from above own level`);
    if (newValue !== undefined && newValue > senderLevel) return deny(`cannot set ${map}.${key} above own level`);
  }
  return allow();
}

// 9.8, 9.9: nobody may change someone at or above their own level; the sender may lower
// (never raise beyond) their own.
function checkUsers(before: JsonObject, after: JsonObject, senderLevel: number, ctx: AuthContext): AuthResult {
  for (const [user, oldValue, newValue] of changedEntries('users', before, after, ctx)) {
    if (oldValue !== undefined && user !== ctx.pdu.sender && oldValue >= senderLevel) {
      return deny(`cannot change the level of ${user}, who is not below the sender`);
    }
    if (newValue !== undefined && newValue > senderLevel) return deny(`cannot give ${user} a level above own`);
  }
  return allow();
}

/** Entries added, changed or removed in one of the maps: [key, old level, new level]. */
function changedEntries(map: LevelMapKey, before: JsonObject, after: JsonObject, ctx: AuthContext): [string, number | undefined, number | undefined][] {
  const oldMap = isObject(before[map]) ? (before[map] as JsonObject) : {};
  const newMap = isObject(after[map]) ? (after[map] as JsonObject) : {};
  const changes: [string, number | undefined, number | undefined][] = [];
  for (const key of new Set([...Object.keys(oldMap), ...Object.keys(newMap)])) {
    const oldValue = parseLevel(oldMap[key], ctx.rules);
    const newValue = parseLevel(newMap[key], ctx.rules);
    if (oldValue !== newValue) changes.push([key, oldValue, newValue]);
  }
  return changes;
}
