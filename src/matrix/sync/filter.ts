// Filters (spec "Filtering", definitions/sync_filter.yaml, event_filter.yaml,
// room_event_filter.yaml), parsed once into a normalized form. Unknown keys are ignored, as the
// spec's extensible objects ask; wrong types are M_BAD_JSON. Honoured here: limits, types and
// senders (with `*` wildcards), rooms, include_leave, lazy_load_members and
// include_redundant_members (applied by sync/lazy-members.ts).
import { badJson } from '../errors.js';
import { isObject } from '../http/validate.js';
import type { JsonObject } from '../../core/events/types.js';

export interface EventFilter {
  limit: number | undefined;
  types: string[] | undefined;
  notTypes: string[];
  senders: string[] | undefined;
  notSenders: string[];
}

export interface RoomEventFilter extends EventFilter {
  rooms: string[] | undefined;
  notRooms: string[];
  /** Spec: count threaded events per thread (`unread_thread_notifications`) rather than in the room's counts. */
  unreadThreadNotifications: boolean;
  /** Spec "Lazy-loading room members": only the member events of the senders shown. */
  lazyLoadMembers: boolean;
  /** With lazy loading: send member events even when the client already has them. */
  includeRedundantMembers: boolean;
}

export interface SyncFilter {
  accountData: EventFilter;
  presence: EventFilter;
  room: {
    rooms: string[] | undefined;
    notRooms: string[];
    includeLeave: boolean;
    timeline: RoomEventFilter;
    state: RoomEventFilter;
    accountData: RoomEventFilter;
    ephemeral: RoomEventFilter;
  };
}

/** Synapse's default timeline limit, which clients have come to expect. */
export const DEFAULT_TIMELINE_LIMIT = 10;
export const MAX_FILTER_LIMIT = 1000;

function stringList(obj: JsonObject, key: string): string[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw badJson(`filter '${key}' must be a list of strings`);
  return v as string[];
}

function limitOf(obj: JsonObject): number | undefined {
  const v = obj.limit;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badJson("filter 'limit' must be an integer");
  return Math.min(MAX_FILTER_LIMIT, Math.max(1, v));
}

function sub(obj: JsonObject, key: string): JsonObject {
  const v = obj[key];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw badJson(`filter '${key}' must be an object`);
  return v;
}

export function parseEventFilter(raw: unknown): EventFilter {
  const obj = raw === undefined ? {} : raw;
  if (!isObject(obj)) throw badJson('a filter must be a JSON object');
  return {
    limit: limitOf(obj),
    types: stringList(obj, 'types'),
    notTypes: stringList(obj, 'not_types') ?? [],
    senders: stringList(obj, 'senders'),
    notSenders: stringList(obj, 'not_senders') ?? [],
  };
}

function flag(obj: JsonObject, key: string): boolean {
  const v = obj[key];
  if (v !== undefined && v !== null && typeof v !== 'boolean') throw badJson(`filter '${key}' must be a boolean`);
  return v === true;
}

export function parseRoomEventFilter(raw: unknown): RoomEventFilter {
  const base = parseEventFilter(raw);
  const obj = (raw ?? {}) as JsonObject;
  return {
    ...base,
    rooms: stringList(obj, 'rooms'),
    notRooms: stringList(obj, 'not_rooms') ?? [],
    unreadThreadNotifications: flag(obj, 'unread_thread_notifications'),
    lazyLoadMembers: flag(obj, 'lazy_load_members'),
    includeRedundantMembers: flag(obj, 'include_redundant_members'),
  };
}

export function parseSyncFilter(raw: unknown): SyncFilter {
  if (!isObject(raw)) throw badJson('a filter must be a JSON object');
  const room = sub(raw, 'room');
  const includeLeave = room.include_leave;
  if (includeLeave !== undefined && typeof includeLeave !== 'boolean') throw badJson("filter 'include_leave' must be a boolean");
  return {
    accountData: parseEventFilter(sub(raw, 'account_data')),
    presence: parseEventFilter(sub(raw, 'presence')),
    room: {
      rooms: stringList(room, 'rooms'),
      notRooms: stringList(room, 'not_rooms') ?? [],
      includeLeave: includeLeave === true,
      timeline: parseRoomEventFilter(sub(room, 'timeline')),
      state: parseRoomEventFilter(sub(room, 'state')),
      accountData: parseRoomEventFilter(sub(room, 'account_data')),
      ephemeral: parseRoomEventFilter(sub(room, 'ephemeral')),
    },
  };
}

export const EMPTY_SYNC_FILTER: SyncFilter = parseSyncFilter({});

const patternCache = new Map<string, RegExp>();

/** Spec: "A '*' can be used as a wildcard to match any sequence of characters." */
export function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
    if (patternCache.size < 1000) patternCache.set(pattern, re);
  }
  return re.test(value);
}

const anyMatches = (patterns: string[], value: string) => patterns.some((p) => globMatches(p, value));

export function eventMatches(f: EventFilter, ev: { type: string; sender?: string }): boolean {
  if (anyMatches(f.notTypes, ev.type)) return false;
  if (f.types && !anyMatches(f.types, ev.type)) return false;
  if (ev.sender !== undefined) {
    if (f.notSenders.includes(ev.sender)) return false;
    if (f.senders && !f.senders.includes(ev.sender)) return false;
  }
  return true;
}

/**
 * True when the filter lets no event through (`types: []`, or `not_types` with '*'): the caller
 * need not gather any. Clients that do not want presence say so this way on every /sync.
 */
export function excludesAll(f: EventFilter): boolean {
  return (f.types !== undefined && f.types.length === 0) || f.notTypes.includes('*');
}

export function roomMatches(f: { rooms: string[] | undefined; notRooms: string[] }, roomId: string): boolean {
  if (f.notRooms.includes(roomId)) return false;
  return !f.rooms || f.rooms.includes(roomId);
}
