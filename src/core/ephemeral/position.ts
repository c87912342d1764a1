// Ephemeral changes (typing, receipts, presence) take a position on the shared stream so a sync
// token covers them too; the position is only published once every write before it committed.
import type { CoreServices } from '../services.js';

/** Where the last position taken by a change that stores nothing (typing, presence) is kept. */
export const EPHEMERAL_POSITION_KEY = ['stream', 'ephemeral'] as const;

export async function commitPosition(core: CoreServices, write?: (pos: number) => void): Promise<number> {
  const pos = core.stream.next();
  // A position handed out in a token must never be handed out again after a restart (a client
  // holding it would skip the event that took it then): one that stores nothing is remembered.
  await core.storage.writes.enqueue(() => (write ? write(pos) : core.storage.kv.put(...EPHEMERAL_POSITION_KEY, String(pos))));
  core.stream.markCommitted(pos);
  return pos;
}

/** Wakes the /sync long-polls of the local users joined to the room. */
export function wakeRoom(core: CoreServices, roomId: string, type: string, stream: number): void {
  for (const userId of core.rooms.joinedMembers(roomId)) {
    if (core.accounts.localpartOf(userId) === null) continue;
    core.bus.publishUser({ stream, userId, kind: 'ephemeral', roomId, type });
  }
}
