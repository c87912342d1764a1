// In-memory occupancy: which XMPP sessions are in which room, per room JID. Nothing here is
// persisted: occupancy is per session and ends with it (clients re-enter on reconnect); Matrix
// membership, which is persisted, is the account's.
import type { Occupant, ViewEntry } from './view.js';

export interface RoomOccupant extends Occupant {
  /** Stream position of the newest event the history read saw: live events up to it were already sent. */
  historyUpTo: number;
}

export class MucRoom {
  readonly occupants = new Map<string, RoomOccupant>();
  /** The roster as last announced to the occupants. */
  view: Map<string, ViewEntry> = new Map();
  /** Accounts whose Matrix membership an XMPP join or leave is changing (kept out of the roster meanwhile). */
  readonly hidden = new Set<string>();
  /** Full JIDs with a join in progress (a second join presence meanwhile is dropped). */
  readonly joining = new Set<string>();
  /** Operations in flight that keep the room alive while it has no occupant. */
  busy = 0;

  constructor(readonly jid: string, readonly roomId: string) {}

  get idle(): boolean {
    return this.occupants.size === 0 && this.busy === 0 && this.joining.size === 0;
  }

  occupantsOf(mxid: string): RoomOccupant[] {
    return [...this.occupants.values()].filter((o) => o.mxid === mxid);
  }
}

export class MucRooms {
  private readonly byJid = new Map<string, MucRoom>();
  private readonly byRoomId = new Map<string, Set<MucRoom>>();

  get(jid: string): MucRoom | undefined {
    return this.byJid.get(jid);
  }

  /**
   * The occupancy of a room JID, made on first use. While it has occupants it stays bound to the
   * Matrix room it was entered as, even if the alias is moved meanwhile.
   */
  ensure(jid: string, roomId: string): MucRoom {
    let room = this.byJid.get(jid);
    if (!room) {
      room = new MucRoom(jid, roomId);
      this.byJid.set(jid, room);
      let set = this.byRoomId.get(roomId);
      if (!set) this.byRoomId.set(roomId, (set = new Set()));
      set.add(room);
    }
    return room;
  }

  /** Every room JID through which a Matrix room is entered (one per alias in use). */
  ofRoomId(roomId: string): MucRoom[] {
    return [...(this.byRoomId.get(roomId) ?? [])];
  }

  /** Rooms a session is in. */
  ofSession(fullJid: string): MucRoom[] {
    return [...this.byJid.values()].filter((r) => r.occupants.has(fullJid));
  }

  all(): MucRoom[] {
    return [...this.byJid.values()];
  }

  /** Forgets a room once nobody is in it and nothing is in flight. */
  release(room: MucRoom): void {
    if (!room.idle || this.byJid.get(room.jid) !== room) return;
    this.byJid.delete(room.jid);
    const set = this.byRoomId.get(room.roomId);
    set?.delete(room);
    if (set?.size === 0) this.byRoomId.delete(room.roomId);
  }
}
