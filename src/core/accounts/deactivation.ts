// Deactivation, whichever way it comes (Matrix API, admin API, the CLI in another process):
// the account leaves every room, its sessions on both protocols end, its name stays taken.
import type { Storage } from '../ports.js';
import type { RoomService } from '../rooms/service.js';
import type { AccountService } from './service.js';

type Listener = (localpart: string) => void;

export class Deactivations {
  private readonly listeners: Listener[] = [];
  /** Accounts whose rooms and sessions are already dealt with in this process. */
  private readonly settled = new Set<string>();

  constructor(private readonly accounts: AccountService, private readonly storage: Storage, private readonly rooms: RoomService) {}

  /** Called with each localpart once it is deactivated (e.g. the XMPP side ends its streams). */
  onDeactivated(listener: Listener): void { this.listeners.push(listener); }

  async deactivate(localpart: string): Promise<void> {
    const userId = this.accounts.userId(localpart);
    await this.leaveEveryRoom(userId);
    for (const d of this.storage.devices.listDevices(userId)) this.storage.refreshTokens.forgetDevice(userId, d.deviceId);
    this.accounts.deactivate(localpart);
    this.settle(localpart);
  }

  /**
   * Finishes accounts deactivated elsewhere: `hearth user delete` writes to the database from
   * another process, so the running server finds them here (at start, then periodically).
   */
  async sweep(): Promise<number> {
    let n = 0;
    for (const lp of this.storage.accounts.deactivatedLocalparts()) {
      if (this.settled.has(lp)) continue;
      await this.leaveEveryRoom(this.accounts.userId(lp));
      this.settle(lp);
      n++;
    }
    return n;
  }

  private settle(localpart: string): void {
    this.settled.add(localpart);
    for (const l of this.listeners) l(localpart);
  }

  /** Leaves (or declines, or withdraws a knock from) every room the user is in or invited to. */
  private async leaveEveryRoom(userId: string): Promise<void> {
    for (const r of this.storage.rooms.roomsForUser(userId, ['join', 'invite', 'knock'])) {
      try {
        await this.rooms.send(r.roomId, { type: 'm.room.member', sender: userId, stateKey: userId, content: { membership: 'leave' } });
      } catch {
        // A room whose rules refuse the leave must not keep the account alive; go on with the rest.
      }
    }
  }
}
