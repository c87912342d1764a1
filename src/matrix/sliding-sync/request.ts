// Reading a sliding sync request body (MSC4186 "Request Body") into checked types. Clients in
// the field (matrix-js-sdk, matrix-rust-sdk) send the first implemented shape: `ranges`, pairs
// in `required_state`, `is_invite`, `pos` and `timeout` in the query; the MSC's later spellings
// (`range`, the object form of `required_state`, `is_invited`, `pos`/`timeout` in the body) are
// read too. Unknown keys are ignored so that a client sending a newer field still syncs; a known
// key of the wrong type is M_BAD_JSON, an impossible value M_INVALID_PARAM.
import type { JsonObject } from '../../core/events/types.js';
import { badJson, invalidParam } from '../errors.js';
import { bodyObject, isObject } from '../http/validate.js';
import { fromPairs, type RequiredStateSpec, type StatePair } from './required-state.js';

export interface RoomConfig {
  timelineLimit: number;
  requiredState: RequiredStateSpec;
  /** MSC3575 `include_old_rooms`: the predecessors of the matched rooms are sent too, with this config. */
  oldRooms?: RoomConfig;
}

export interface ListFilters {
  isDm?: boolean;
  isEncrypted?: boolean;
  isInvite?: boolean;
  /** `null` in the list stands for rooms without a type. */
  roomTypes?: (string | null)[];
  notRoomTypes?: (string | null)[];
  spaces?: string[];
  tags?: string[];
  notTags?: string[];
  /** MSC3575 `room_name_like`: the room's name contains this, ignoring case. */
  roomNameLike?: string;
}

export interface ListConfig extends RoomConfig {
  /** Inclusive [start, end] windows into the filtered, sorted list; null means the whole list. */
  ranges: [number, number][] | null;
  filters: ListFilters;
}

/** Which rooms an extension covers: list names and room ids, `*` for all; undefined means all. */
export interface ExtensionScope { enabled: boolean; lists?: string[]; rooms?: string[] }

export interface ExtensionsRequest {
  to_device?: ExtensionScope & { since: string | null; limit: number };
  e2ee?: ExtensionScope;
  account_data?: ExtensionScope;
  receipts?: ExtensionScope;
  typing?: ExtensionScope;
  /** MSC4308 under its unstable name: changes of the user's thread subscriptions (MSC4306). */
  'io.element.msc4308.thread_subscriptions'?: { enabled: boolean; limit: number };
}

export interface SlidingRequest {
  connId: string;
  pos: string | null;
  timeout: number;
  setPresence: string | null;
  lists: Map<string, ListConfig>;
  roomSubscriptions: Map<string, RoomConfig>;
  unsubscribeRooms: string[];
  extensions: ExtensionsRequest;
}

export const MAX_LISTS = 100;
export const MAX_TIMELINE_LIMIT = 100;
export const MAX_TO_DEVICE_LIMIT = 1000;
/** MSC4308's default and our cap for the thread subscription changes of one response. */
export const MAX_THREAD_SUBSCRIPTION_CHANGES = 100;
const MAX_RANGES = 100;
/** MSC4186 "Max subscriptions: 100"; more is M_INVALID_PARAM. */
export const MAX_SUBSCRIPTIONS = 100;
// The spec's grammar for opaque identifiers.
const OPAQUE_ID = /^[0-9A-Za-z._~-]{1,255}$/;

function int(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badJson(`'${name}' must be an integer`);
  if (v < min) throw invalidParam(`'${name}' must be at least ${min}`);
  return Math.min(v, max);
}

function bool(v: unknown, name: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badJson(`'${name}' must be a boolean`);
  return v;
}

function strings(v: unknown, name: string, allowNull = false): (string | null)[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' || (allowNull && s === null))) {
    throw badJson(`'${name}' must be an array of strings`);
  }
  return v as (string | null)[];
}

function optionalString(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badJson(`'${name}' must be a string`);
  return v;
}

function range(v: unknown, name: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => typeof n === 'number' && Number.isSafeInteger(n))) {
    throw badJson(`'${name}' must be a pair of integers`);
  }
  const [start, end] = v as [number, number];
  if (start < 0 || end < start) throw invalidParam(`'${name}' must be [start, end] with 0 <= start <= end`);
  return [start, end];
}

function ranges(l: JsonObject, name: string): [number, number][] | null {
  if (l.ranges !== undefined && l.ranges !== null) {
    if (!Array.isArray(l.ranges)) throw badJson(`'${name}.ranges' must be an array`);
    if (l.ranges.length > MAX_RANGES) throw invalidParam(`'${name}.ranges' has more than ${MAX_RANGES} ranges`);
    return l.ranges.map((r, i) => range(r, `${name}.ranges[${i}]`));
  }
  if (l.range !== undefined && l.range !== null) return [range(l.range, `${name}.range`)];
  return null;
}

function pairs(v: unknown[], name: string): StatePair[] {
  return v.map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || typeof p[1] !== 'string') {
      throw badJson(`'${name}[${i}]' must be a [type, state_key] pair of strings`);
    }
    return [p[0], p[1]] as const;
  });
}

/** The object form's elements: an omitted type or state_key matches all. */
function elements(v: unknown, name: string): StatePair[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badJson(`'${name}' must be an array`);
  return v.map((e, i) => {
    if (!isObject(e)) throw badJson(`'${name}[${i}]' must be an object`);
    const type = e.type ?? '*';
    const key = e.state_key ?? '*';
    if (typeof type !== 'string' || typeof key !== 'string') throw badJson(`'${name}[${i}]' type and state_key must be strings`);
    return [type, key] as const;
  });
}

export function parseRequiredState(v: unknown, name: string): RequiredStateSpec {
  if (v === undefined || v === null) return fromPairs([]);
  if (Array.isArray(v)) return fromPairs(pairs(v, name));
  if (!isObject(v)) throw badJson(`'${name}' must be an array of pairs or an object`);
  const spec = fromPairs(elements(v.include, `${name}.include`));
  const lazy = bool(v.lazy_members, `${name}.lazy_members`) ?? false;
  return { include: spec.include, exclude: elements(v.exclude, `${name}.exclude`), lazyMembers: spec.lazyMembers || lazy };
}

function roomConfig(o: JsonObject, name: string, nested = false): RoomConfig {
  const limit = o.timeline_limit === undefined || o.timeline_limit === null ? 0 : int(o.timeline_limit, `${name}.timeline_limit`, 0, MAX_TIMELINE_LIMIT);
  const config: RoomConfig = { timelineLimit: limit, requiredState: parseRequiredState(o.required_state, `${name}.required_state`) };
  const old = o.include_old_rooms;
  // One level: the old rooms' own include_old_rooms would say nothing more (the chain is walked anyway).
  if (!nested && old !== undefined && old !== null) {
    if (!isObject(old)) throw badJson(`'${name}.include_old_rooms' must be an object`);
    config.oldRooms = roomConfig(old, `${name}.include_old_rooms`, true);
  }
  return config;
}

function filters(v: unknown, name: string): ListFilters {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw badJson(`'${name}' must be an object`);
  const f: ListFilters = {
    isDm: bool(v.is_dm, `${name}.is_dm`),
    isEncrypted: bool(v.is_encrypted, `${name}.is_encrypted`),
    isInvite: bool(v.is_invite, `${name}.is_invite`) ?? bool(v.is_invited, `${name}.is_invited`),
    roomTypes: strings(v.room_types, `${name}.room_types`, true),
    notRoomTypes: strings(v.not_room_types, `${name}.not_room_types`, true),
    spaces: strings(v.spaces, `${name}.spaces`) as string[] | undefined,
    tags: strings(v.tags, `${name}.tags`) as string[] | undefined,
    notTags: strings(v.not_tags, `${name}.not_tags`) as string[] | undefined,
    roomNameLike: optionalString(v.room_name_like, `${name}.room_name_like`),
  };
  for (const k of Object.keys(f) as (keyof ListFilters)[]) if (f[k] === undefined) delete f[k];
  return f;
}

function lists(v: unknown): Map<string, ListConfig> {
  const out = new Map<string, ListConfig>();
  if (v === undefined || v === null) return out;
  if (!isObject(v)) throw badJson("'lists' must be an object");
  const names = Object.keys(v);
  if (names.length > MAX_LISTS) throw invalidParam(`At most ${MAX_LISTS} lists`);
  for (const key of names) {
    if (!OPAQUE_ID.test(key)) throw invalidParam(`List name '${key}' is not an opaque identifier`);
    const l = v[key];
    if (!isObject(l)) throw badJson(`'lists.${key}' must be an object`);
    out.set(key, { ...roomConfig(l, `lists.${key}`), ranges: ranges(l, `lists.${key}`), filters: filters(l.filters, `lists.${key}.filters`) });
  }
  return out;
}

function subscriptions(v: unknown): Map<string, RoomConfig> {
  const out = new Map<string, RoomConfig>();
  if (v === undefined || v === null) return out;
  if (!isObject(v)) throw badJson("'room_subscriptions' must be an object");
  const ids = Object.keys(v);
  if (ids.length > MAX_SUBSCRIPTIONS) throw invalidParam(`At most ${MAX_SUBSCRIPTIONS} room subscriptions`);
  for (const roomId of ids) {
    const s = v[roomId];
    if (!isObject(s)) throw badJson(`'room_subscriptions.${roomId}' must be an object`);
    out.set(roomId, roomConfig(s, `room_subscriptions.${roomId}`));
  }
  return out;
}

function scope(v: JsonObject, name: string): ExtensionScope {
  const s: ExtensionScope = { enabled: bool(v.enabled, `${name}.enabled`) ?? false };
  const l = strings(v.lists, `${name}.lists`) as string[] | undefined;
  const r = strings(v.rooms, `${name}.rooms`) as string[] | undefined;
  if (l) s.lists = l;
  if (r) s.rooms = r;
  return s;
}

function extensions(v: unknown): ExtensionsRequest {
  const out: ExtensionsRequest = {};
  if (v === undefined || v === null) return out;
  if (!isObject(v)) throw badJson("'extensions' must be an object");
  for (const name of ['e2ee', 'account_data', 'receipts', 'typing'] as const) {
    const e = v[name];
    if (e === undefined || e === null) continue;
    if (!isObject(e)) throw badJson(`'extensions.${name}' must be an object`);
    out[name] = scope(e, `extensions.${name}`);
  }
  const td = v.to_device;
  if (td !== undefined && td !== null) {
    if (!isObject(td)) throw badJson("'extensions.to_device' must be an object");
    if (td.since !== undefined && td.since !== null && typeof td.since !== 'string') throw badJson("'extensions.to_device.since' must be a string");
    const limit = td.limit === undefined || td.limit === null ? 100 : int(td.limit, 'extensions.to_device.limit', 1, MAX_TO_DEVICE_LIMIT);
    out.to_device = { ...scope(td, 'extensions.to_device'), since: (td.since as string | undefined) ?? null, limit };
  }
  const tsName = 'io.element.msc4308.thread_subscriptions';
  const ts = v[tsName];
  if (ts !== undefined && ts !== null) {
    if (!isObject(ts)) throw badJson(`'extensions.${tsName}' must be an object`);
    const limit = ts.limit === undefined || ts.limit === null ? MAX_THREAD_SUBSCRIPTION_CHANGES : int(ts.limit, `extensions.${tsName}.limit`, 1, Number.MAX_SAFE_INTEGER);
    out[tsName] = { enabled: bool(ts.enabled, `extensions.${tsName}.enabled`) ?? false, limit: Math.min(limit, MAX_THREAD_SUBSCRIPTION_CHANGES) };
  }
  return out;
}

function queryInt(raw: string | null, name: string): number | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,10}$/.test(raw)) throw invalidParam(`'${name}' must be a non-negative integer`);
  return Number(raw);
}

export function parseSlidingRequest(rawBody: unknown, query: URLSearchParams, maxTimeoutMs: number): SlidingRequest {
  const body = bodyObject(rawBody);
  const connId = body.conn_id ?? '';
  if (typeof connId !== 'string') throw badJson("'conn_id' must be a string");
  if (connId.length > 255) throw invalidParam("'conn_id' is longer than 255 characters");
  const pos = query.get('pos') ?? body.pos ?? null;
  if (pos !== null && typeof pos !== 'string') throw badJson("'pos' must be a string");
  const timeout = queryInt(query.get('timeout'), 'timeout') ?? (body.timeout === undefined || body.timeout === null ? 0 : int(body.timeout, 'timeout', 0, maxTimeoutMs));
  const setPresence = query.get('set_presence') ?? body.set_presence ?? null;
  if (setPresence !== null && typeof setPresence !== 'string') throw badJson("'set_presence' must be a string");
  const unsubscribe = strings(body.unsubscribe_rooms, 'unsubscribe_rooms') as string[] | undefined;
  return {
    connId, pos: pos === '' ? null : pos, timeout: Math.min(timeout, maxTimeoutMs), setPresence,
    lists: lists(body.lists), roomSubscriptions: subscriptions(body.room_subscriptions),
    unsubscribeRooms: unsubscribe ?? [], extensions: extensions(body.extensions),
  };
}
