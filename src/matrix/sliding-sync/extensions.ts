// Sliding sync extensions (MSC3885 to_device, MSC3884 e2ee, MSC3959 account_data, MSC3960
// receipts, MSC3961 typing): the same data as classic /sync's sections, read with the same
// functions, scoped to the rooms of the lists and subscriptions the client names.
import type { JsonObject } from '../../core/events/types.js';
import type { Ephemeral } from '../ephemeral/index.js';
import { deviceLists, keyCounts } from '../e2ee/sync.js';
import { invalidParam } from '../errors.js';
import type { Requester } from '../http/types.js';
import type { StickyExtensions } from './connection.js';
import type { FactsDeps } from './facts.js';
import type { ExtensionScope } from './request.js';
import { changes } from '../thread-subscriptions.js';

export interface ExtensionDeps extends FactsDeps { ephemeral: Ephemeral }

/** Rooms of this response: which lists matched each, which subscriptions, and which are new to the client. */
export interface RoomScope {
  listRooms: ReadonlyMap<string, readonly string[]>;
  subscribed: ReadonlySet<string>;
  /** Rooms the client did not hold before this response: they get their whole extension data. */
  fresh: ReadonlySet<string>;
}

export interface ExtensionInput {
  held: StickyExtensions;
  toDeviceSince: string | null;
  prevPos: number | null;
  upto: number;
  scope: RoomScope;
}

/** The rooms an extension covers: those of the named lists and subscriptions (`*` or absent: all). */
export function scopedRooms(s: ExtensionScope, scope: RoomScope): Set<string> {
  const out = new Set<string>();
  const allLists = !s.lists || s.lists.includes('*');
  for (const [name, ids] of scope.listRooms) if (allLists || s.lists!.includes(name)) for (const id of ids) out.add(id);
  const allRooms = !s.rooms || s.rooms.includes('*');
  for (const id of scope.subscribed) if (allRooms || s.rooms!.includes(id)) out.add(id);
  return out;
}

/** to_device's `since` is the decimal stream position of the last message the client has. */
function toDeviceSince(since: string | null): number {
  if (since === null || since === '') return 0;
  if (!/^\d{1,16}$/.test(since)) throw invalidParam("'extensions.to_device.since' is not a valid token");
  return Number(since);
}

function toDevice(d: ExtensionDeps, viewer: Requester, limit: number, sinceRaw: string | null, upto: number): JsonObject {
  const e2ee = d.core.storage.e2ee;
  const since = Math.min(toDeviceSince(sinceRaw), upto);
  // Messages up to `since` were delivered by an earlier response: the client acknowledges them by sending it.
  if (since > 0) void d.core.storage.writes.enqueue(() => e2ee.deleteToDeviceUpTo(viewer.userId, viewer.deviceId, since)).catch(() => {});
  const rows = e2ee.toDeviceBetween(viewer.userId, viewer.deviceId, since, upto);
  let cut = Math.min(limit, rows.length);
  // `next_batch` is a stream position: messages sharing the last one all go, or a later `since` would skip some.
  while (cut > 0 && cut < rows.length && rows[cut].stream === rows[cut - 1].stream) cut++;
  const page = rows.slice(0, cut);
  const next = cut < rows.length ? page[page.length - 1].stream : Math.max(since, upto);
  return { next_batch: String(next), events: page.map((r) => r.message) };
}

function e2eeSection(d: ExtensionDeps, viewer: Requester, prevPos: number | null, upto: number): JsonObject {
  const { userId, deviceId } = viewer;
  return {
    // Without a pos the client must assume every device list changed (matrix-js-sdk does).
    device_lists: prevPos === null ? { changed: [], left: [] } : deviceLists(d, userId, prevPos, upto),
    device_one_time_keys_count: keyCounts(d.core, userId, deviceId),
    device_unused_fallback_key_types: d.core.storage.e2ee.unusedFallbackAlgorithms(userId, deviceId),
  };
}

function accountData(d: ExtensionDeps, viewer: Requester, rooms: Set<string>, input: ExtensionInput): JsonObject {
  const { prevPos, upto, scope } = input;
  const userId = viewer.userId;
  const needAll = prevPos === null || [...rooms].some((r) => scope.fresh.has(r));
  const rows = d.core.storage.accountData.since(userId, needAll ? 0 : prevPos).filter((e) => e.stream <= upto);
  const global = d.ephemeral.withPushRules(rows.filter((e) => e.roomId === '' && (prevPos === null || e.stream > prevPos)), userId, prevPos)
    .map((e) => ({ type: e.type, content: e.content }));
  const perRoom: Record<string, JsonObject[]> = {};
  for (const e of rows) {
    if (e.roomId === '' || !rooms.has(e.roomId)) continue;
    if (!scope.fresh.has(e.roomId) && prevPos !== null && e.stream <= prevPos) continue;
    (perRoom[e.roomId] ??= []).push({ type: e.type, content: e.content });
  }
  return { global, rooms: perRoom };
}

function receipts(d: ExtensionDeps, viewer: Requester, rooms: Set<string>, input: ExtensionInput): JsonObject {
  const out: Record<string, JsonObject> = {};
  for (const roomId of rooms) {
    const from = input.prevPos === null || input.scope.fresh.has(roomId) ? 0 : input.prevPos;
    const ev = d.ephemeral.receipts.eventFor(roomId, viewer.userId, from, input.upto);
    if (ev) out[roomId] = ev as unknown as JsonObject;
  }
  return { rooms: out };
}

function typing(d: ExtensionDeps, rooms: Set<string>, input: ExtensionInput): JsonObject {
  const out: Record<string, JsonObject> = {};
  for (const roomId of rooms) {
    const users = d.ephemeral.typing.usersIn(roomId);
    const at = d.ephemeral.typing.changedAt(roomId);
    const fresh = input.prevPos === null || input.scope.fresh.has(roomId);
    if (fresh ? users.length > 0 : at > input.prevPos! && at <= input.upto) out[roomId] = { type: 'm.typing', content: { user_ids: users } };
  }
  return { rooms: out };
}

/**
 * MSC4308: the thread subscription changes since the connection's last response, newest first;
 * `prev_batch` (for the companion endpoint, thread-subscriptions.ts) when `limit` cut some off.
 */
function threadSubscriptions(d: ExtensionDeps, viewer: Requester, limit: number, input: ExtensionInput): JsonObject {
  const { body, end } = changes(d.core.storage.threadSubscriptions, viewer.userId, input.prevPos ?? 0, input.upto + 1, limit);
  return end === null ? body : { ...body, prev_batch: String(end) };
}

/** The extensions the connection has enabled, computed at `upto`. */
export function computeExtensions(d: ExtensionDeps, viewer: Requester, input: ExtensionInput): Record<string, JsonObject> {
  const { held, upto } = input;
  const out: Record<string, JsonObject> = {};
  if (held.to_device?.enabled) out.to_device = toDevice(d, viewer, held.to_device.limit, input.toDeviceSince, upto);
  if (held.e2ee?.enabled) out.e2ee = e2eeSection(d, viewer, input.prevPos, upto);
  if (held.account_data?.enabled) out.account_data = accountData(d, viewer, scopedRooms(held.account_data, input.scope), input);
  if (held.receipts?.enabled) out.receipts = receipts(d, viewer, scopedRooms(held.receipts, input.scope), input);
  if (held.typing?.enabled) out.typing = typing(d, scopedRooms(held.typing, input.scope), input);
  const ts = held['io.element.msc4308.thread_subscriptions'];
  if (ts?.enabled) out['io.element.msc4308.thread_subscriptions'] = threadSubscriptions(d, viewer, ts.limit, input);
  return out;
}

/** True when the extensions carry nothing that should end a long-poll (key counts alone do not). */
export function extensionsEmpty(ext: Record<string, JsonObject>): boolean {
  const td = ext.to_device as { events: unknown[] } | undefined;
  const e2ee = ext.e2ee as { device_lists: { changed: unknown[]; left: unknown[] } } | undefined;
  const ad = ext.account_data as { global: unknown[]; rooms: Record<string, unknown> } | undefined;
  const rooms = (x: JsonObject | undefined) => Object.keys((x as { rooms?: object } | undefined)?.rooms ?? {}).length;
  return (td?.events.length ?? 0) === 0
    && (e2ee ? e2ee.device_lists.changed.length + e2ee.device_lists.left.length : 0) === 0
    && (ad ? ad.global.length + Object.keys(ad.rooms).length : 0) === 0
    && rooms(ext.receipts) === 0 && rooms(ext.typing) === 0
    && Object.keys(ext['io.element.msc4308.thread_subscriptions'] ?? {}).length === 0;
}
