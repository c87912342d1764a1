// Direct-message rooms: the core of every one-to-one conversation (DESIGN §1). One room per pair
// of users, found through an index kept beside the m.direct account data that Matrix clients
// read, so that an XMPP chat and a Matrix DM between the same two people are the same room.
import type { Storage } from '../ports.js';
import type { JsonObject } from '../events/types.js';
import type { RoomService } from './service.js';
import { createRoom } from './create-room.js';
import type { AccountData } from '../accounts/account-data.js';

const NS_PAIR = 'dm_pair';
const NS_ROOM = 'dm_room';

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

export class DirectRooms {
  private readonly creating = new Map<string, Promise<string>>();
  // Read for every 1:1 message (routing, carbons, push); register() is the only writer of both
  // indexes, so they are kept in memory as read, and updated when its write commits.
  private readonly roomOfPair = new Map<string, string | null>();
  private readonly pairOfRoom = new Map<string, [string, string] | null>();

  constructor(
    private readonly storage: Storage,
    private readonly rooms: RoomService,
    private readonly accountData: AccountData,
    private readonly profileOf: (userId: string) => { displayname?: string | null; avatar_url?: string | null },
  ) {}

  /** The DM room of the pair, if one is known. */
  find(a: string, b: string): string | null {
    const key = pairKey(a, b);
    let roomId = this.roomOfPair.get(key);
    if (roomId === undefined) this.roomOfPair.set(key, (roomId = this.storage.kv.get(NS_PAIR, key)));
    return roomId;
  }

  /** The two users of a DM room, or null when the room is not a DM. */
  pairOf(roomId: string): [string, string] | null {
    let pair = this.pairOfRoom.get(roomId);
    if (pair === undefined) {
      const v = this.storage.kv.get(NS_ROOM, roomId);
      this.pairOfRoom.set(roomId, (pair = v ? (v.split('\u0000') as [string, string]) : null));
    }
    return pair;
  }

  /** Records a room as the DM of a pair (Matrix createRoom with is_direct, or our own creation). */
  async register(roomId: string, a: string, b: string): Promise<void> {
    const key = pairKey(a, b);
    await this.storage.writes.enqueue(() => {
      this.storage.kv.put(NS_PAIR, key, roomId);
      this.storage.kv.put(NS_ROOM, roomId, key);
      this.roomOfPair.set(key, roomId);
      this.pairOfRoom.set(roomId, key.split('\u0000') as [string, string]);
    });
    const local = `:${this.rooms.serverName}`;
    if (a.endsWith(local)) await this.addToMDirect(a, b, roomId);
    if (b.endsWith(local) && b !== a) await this.addToMDirect(b, a, roomId);
  }

  /**
   * The DM room of the pair, created when there is none: `from` creates it and the server joins
   * `to` at once (a local user reached over XMPP has no invite step).
   */
  async ensure(from: string, to: string): Promise<string> {
    const existing = this.find(from, to);
    if (existing) return existing;
    const key = pairKey(from, to);
    let p = this.creating.get(key);
    if (!p) {
      p = this.createFor(from, to).finally(() => this.creating.delete(key));
      this.creating.set(key, p);
    }
    return p;
  }

  private async createFor(from: string, to: string): Promise<string> {
    const { roomId } = await createRoom(this.rooms, {
      creator: from, preset: 'trusted_private_chat', isDirect: true, invite: [to],
      creatorProfile: this.profileOf(from), autoJoin: [{ userId: to, ...this.profileOf(to) }],
    });
    await this.register(roomId, from, to);
    return roomId;
  }

  private async addToMDirect(owner: string, other: string, roomId: string): Promise<void> {
    const current = (this.accountData.get(owner, 'm.direct') ?? {}) as Record<string, string[]>;
    const list = Array.isArray(current[other]) ? current[other] : [];
    if (list.includes(roomId)) return;
    const content: JsonObject = { ...current, [other]: [...list, roomId] };
    await this.accountData.put(owner, 'm.direct', content);
  }
}
