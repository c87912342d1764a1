// Who shares a room with whom, and announcing that a user's devices or keys changed: the change
// is logged at a stream position (for /sync device_lists and /keys/changes) and every local user
// who shares a room with them is woken, since their clients must download the new keys.
import type { CoreServices } from '../../core/services.js';

/** Local users joined to any room the user is joined to (the user included). */
export function usersSharingRooms(core: CoreServices, userId: string): Set<string> {
  const out = new Set<string>([userId]);
  for (const r of core.storage.rooms.roomsForUser(userId, ['join'])) {
    for (const mem of core.storage.rooms.members(r.roomId)) if (mem.membership === 'join') out.add(mem.userId);
  }
  return out;
}

/** Runs `write` and logs the key change in one commit, then wakes the users who care. */
export async function commitKeyChange(core: CoreServices, userId: string, write: () => void = () => {}): Promise<number> {
  const pos = core.stream.next();
  await core.storage.writes.enqueue(() => {
    write();
    core.storage.e2ee.markChanged(userId, pos);
  });
  core.stream.markCommitted(pos);
  for (const u of usersSharingRooms(core, userId)) {
    core.bus.publishUser({ stream: pos, userId: u, kind: 'device_list', roomId: '', type: '' });
  }
  return pos;
}

/** Devices of the user that still exist, so keys of logged-out devices are never handed out. */
export function liveDeviceKeys(core: CoreServices, userId: string): Map<string, { keys: Record<string, unknown>; displayName: string | null }> {
  const keys = core.storage.e2ee.deviceKeys(userId);
  const out = new Map<string, { keys: Record<string, unknown>; displayName: string | null }>();
  for (const d of core.storage.devices.listDevices(userId)) {
    const k = keys.get(d.deviceId);
    if (k) out.set(d.deviceId, { keys: k, displayName: d.displayName });
  }
  return out;
}

/**
 * Ends devices of a user in one commit: their access and refresh tokens, their keys, and the
 * device-list change that tells everyone sharing a room (logout, logout/all, device deletion).
 */
export async function endDevices(core: CoreServices, userId: string, deviceIds: string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  await commitKeyChange(core, userId, () => {
    for (const id of deviceIds) {
      core.storage.devices.deleteDevice(userId, id);
      core.storage.refreshTokens.forgetDevice(userId, id);
      core.storage.e2ee.deleteDevice(userId, id);
    }
  });
}
