// Current membership rows, by user and by room, kept in memory: every /sync asks for the user's
// rooms (several times) and device-list checks for rooms' members, while memberships change
// rarely. Filled on first read, dropped for the user and the room whenever a membership row is
// written (in the same transaction), all dropped when a commit fails or a room is purged.
export interface MembershipRow { roomId: string; userId: string; membership: string; stream: number; eventId: string }

export class MembershipCache {
  private readonly byUser = new Map<string, MembershipRow[]>();
  private readonly byRoom = new Map<string, MembershipRow[]>();

  constructor(private readonly maxEntries = 20000) {}

  ofUser(userId: string, load: () => MembershipRow[]): MembershipRow[] {
    return this.cached(this.byUser, userId, load);
  }

  ofRoom(roomId: string, load: () => MembershipRow[]): MembershipRow[] {
    return this.cached(this.byRoom, roomId, load);
  }

  /** A membership row of (room, user) was written. */
  changed(roomId: string, userId: string): void {
    this.byUser.delete(userId);
    this.byRoom.delete(roomId);
  }

  clear(): void {
    this.byUser.clear();
    this.byRoom.clear();
  }

  private cached(map: Map<string, MembershipRow[]>, key: string, load: () => MembershipRow[]): MembershipRow[] {
    let rows = map.get(key);
    if (!rows) {
      rows = load();
      if (map.size >= this.maxEntries) map.clear();
      map.set(key, rows);
    }
    return rows;
  }
}
