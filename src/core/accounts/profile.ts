// The one way to change a profile (display name, avatar), shared by the Matrix profile endpoint
// and the XMPP vCard: the account row, then the user's member event in every joined room, as
// Synapse does, so that room members on either protocol see the change.
import type { JsonObject } from '../events/types.js';
import type { Logger } from '../logger.js';
import type { Storage } from '../ports.js';
import type { RoomService } from '../rooms/service.js';
import type { AccountService } from './service.js';

export type ProfileField = 'displayname' | 'avatar_url';

export interface ProfileDeps {
  storage: Storage;
  rooms: RoomService;
  accounts: AccountService;
  logger: Logger;
}

export async function setProfileField(core: ProfileDeps, localpart: string, field: ProfileField, value: string | null): Promise<void> {
  await core.storage.writes.enqueue(() => core.storage.accounts.setProfile(localpart, field, value));
  await propagateProfile(core, core.accounts.userId(localpart), field, value);
}

/** Rewrites the user's member event in each joined room; one room failing does not stop the rest. */
async function propagateProfile(core: ProfileDeps, userId: string, field: ProfileField, value: string | null): Promise<void> {
  const rooms = core.storage.rooms.roomsForUser(userId, ['join']);
  await Promise.all(rooms.map(async ({ roomId }) => {
    const current = core.rooms.stateContent(roomId, 'm.room.member', userId);
    if (current?.membership !== 'join' || (current[field] ?? null) === value) return;
    const content: JsonObject = { ...current };
    if (value === null) delete content[field];
    else content[field] = value;
    try {
      await core.rooms.send(roomId, { type: 'm.room.member', sender: userId, stateKey: userId, content });
    } catch (err) {
      core.logger.warn({ err, roomId }, 'could not update the member event after a profile change');
    }
  }));
}
