// The E2EE parts of a /sync response (spec sync.yaml): to-device messages, device-list changes,
// one-time key counts and unused fallback key types. Kept here so sync/compute.ts only calls in.
import type { JsonObject } from '../../core/events/types.js';
import type { CoreServices } from '../../core/services.js';
import type { Requester } from '../http/types.js';
import type { SyncNotifier } from '../sync/notifier.js';
import { usersSharingRooms } from './changes.js';

/** What the sections are read from: the core, and the notifier's per-room latest positions. */
export interface E2eeSyncDeps { core: CoreServices; notifier: Pick<SyncNotifier, 'latestIn' | 'latestMembershipIn'> }

export interface E2eeSyncSections {
  to_device: { events: JsonObject[] };
  device_lists: { changed: string[]; left: string[] };
  device_one_time_keys_count: Record<string, number>;
  device_unused_fallback_key_types: string[];
}

/** Members whose membership changed in (since, upto] in rooms the viewer has been in, and whether the viewer's own did. */
function membershipMoves(d: E2eeSyncDeps, viewer: string, since: number, upto: number): { moved: Set<string>; roomsJoined: string[]; roomsLeft: string[] } {
  const moved = new Set<string>();
  const roomsJoined: string[] = [];
  const roomsLeft: string[] = [];
  const core = d.core;
  // Only rooms with membership events since the token can hold membership changes (the notifier
  // knows without a query); most syncs have none and read no events here.
  const rooms = core.storage.rooms.roomsForUser(viewer, ['join', 'leave', 'ban'])
    .filter((r) => (r.membership === 'join' || r.stream > since) && d.notifier.latestMembershipIn(r.roomId) > since);
  if (rooms.length === 0) return { moved, roomsJoined, roomsLeft };
  for (const ev of core.storage.events.eventsSince(rooms.map((r) => r.roomId), since, 10_000)) {
    if (ev.stream > upto || ev.pdu.type !== 'm.room.member' || typeof ev.pdu.state_key !== 'string') continue;
    if (ev.pdu.state_key === viewer) (ev.pdu.content.membership === 'join' ? roomsJoined : roomsLeft).push(ev.pdu.room_id);
    moved.add(ev.pdu.state_key);
  }
  return { moved, roomsJoined, roomsLeft };
}

/** device_lists for an incremental sync: changed keys of users we share a room with, new room-mates, and users we no longer share any room with. */
export function deviceLists(d: E2eeSyncDeps, viewer: string, since: number, upto: number): E2eeSyncSections['device_lists'] {
  const core = d.core;
  // Who shares a room with the viewer is only needed when someone's keys or membership changed.
  let sharedSet: Set<string> | undefined;
  const shared = { has: (u: string) => (sharedSet ??= usersSharingRooms(core, viewer)).has(u) };
  const changed = new Set(core.storage.e2ee.changedBetween(since, upto).filter((u) => shared.has(u)));
  const left = new Set<string>();
  const { moved, roomsJoined, roomsLeft } = membershipMoves(d, viewer, since, upto);
  for (const roomId of roomsLeft) for (const mem of core.storage.rooms.members(roomId)) moved.add(mem.userId);
  for (const u of moved) {
    if (u === viewer) continue;
    if (shared.has(u)) changed.add(u);
    else left.add(u);
  }
  // A room we joined since: everyone in it is new to us, whether or not they moved.
  for (const roomId of roomsJoined) {
    for (const mem of core.storage.rooms.members(roomId)) if (mem.membership === 'join' && mem.userId !== viewer) changed.add(mem.userId);
  }
  return { changed: [...changed].sort(), left: [...left].sort() };
}

/** Spec: "the server SHOULD limit the number of to-device messages in one response" (Synapse: 100). */
export const MAX_TO_DEVICE_PER_SYNC = 100;

/**
 * Pending to-device messages after `from`, at most MAX_TO_DEVICE_PER_SYNC, never splitting the
 * messages of one stream position; `heldBackAfter` is the last position sent when some wait.
 */
export function toDeviceBatch(e2ee: CoreServices['storage']['e2ee'], userId: string, deviceId: string, from: number, upto: number): { events: JsonObject[]; heldBackAfter: number | null } {
  const rows = e2ee.toDeviceBetween(userId, deviceId, from, upto, MAX_TO_DEVICE_PER_SYNC + 1);
  if (rows.length <= MAX_TO_DEVICE_PER_SYNC) return { events: rows.map((r) => r.message), heldBackAfter: null };
  let cut = MAX_TO_DEVICE_PER_SYNC;
  while (cut > 0 && rows[cut - 1].stream === rows[cut].stream) cut--;
  // More than a whole batch at one position (cannot come from one request): send that position whole.
  const sent = cut > 0 ? rows.slice(0, cut) : e2ee.toDeviceBetween(userId, deviceId, from, rows[0].stream);
  return { events: sent.map((r) => r.message), heldBackAfter: sent[sent.length - 1].stream };
}

/**
 * The sections for one response. Messages up to `toDeviceSince` (the `since` position, or where
 * the previous response held back) were delivered by the response that handed out `since`, so
 * the client has them: they are dropped now (the spec's acknowledgement).
 */
export function e2eeSync(d: E2eeSyncDeps, viewer: Requester, since: number | null, upto: number, toDeviceSince: number | null = since): E2eeSyncSections & { toDeviceHeldBackAfter: number | null } {
  const core = d.core;
  const { userId, deviceId } = viewer;
  const e2ee = core.storage.e2ee;
  // Acknowledging costs a write (and a disk sync): only when there is something to drop.
  if (toDeviceSince !== null && e2ee.hasToDeviceUpTo(userId, deviceId, toDeviceSince)) {
    void core.storage.writes.enqueue(() => e2ee.deleteToDeviceUpTo(userId, deviceId, toDeviceSince)).catch(() => {});
  }
  const batch = toDeviceBatch(e2ee, userId, deviceId, toDeviceSince ?? 0, upto);
  return {
    toDeviceHeldBackAfter: batch.heldBackAfter,
    to_device: { events: batch.events },
    device_lists: since === null ? { changed: [], left: [] } : deviceLists(d, userId, since, upto),
    device_one_time_keys_count: keyCounts(core, userId, deviceId),
    device_unused_fallback_key_types: e2ee.unusedFallbackAlgorithms(userId, deviceId),
  };
}

/**
 * One-time key counts, with signed_curve25519 always present (0 when none are left), as Synapse
 * sends them: a client then knows the server counts and that it should upload more.
 */
export function keyCounts(core: CoreServices, userId: string, deviceId: string): Record<string, number> {
  return { signed_curve25519: 0, ...core.storage.e2ee.oneTimeKeyCounts(userId, deviceId) };
}

/** True when the sections carry nothing that should end a long-poll (counts alone do not). */
export function isEmptyE2ee(s: E2eeSyncSections): boolean {
  return s.to_device.events.length === 0 && s.device_lists.changed.length === 0 && s.device_lists.left.length === 0;
}
