// Lazy-loading room members (spec "Lazy-loading room members", sync.yaml): with
// `lazy_load_members` a response carries only the member events of the senders it shows (plus the
// user's own on a fresh or full-state sync, and the summary's heroes), and, unless
// `include_redundant_members`, not those the device already has.
//
// What a device "has" is remembered in memory per (user, device, room): the member event id and
// the sync position of the response that carried it. An entry counts only once the client has
// synced from that position or later, so a response lost in transit (a retried `since`) sends
// its members again. A restart forgets everything, which only costs redundant member events.
import { stateTuple, type StateTuple } from '../../core/events/types.js';
import type { Requester } from '../http/types.js';
import { BoundedMap } from '../../core/bounded-map.js';

const MEMBER_PREFIX = stateTuple('m.room.member', '');
export const isMemberTuple = (t: StateTuple): boolean => t.startsWith(MEMBER_PREFIX);

interface Sent { eventId: string; at: number }

export class LazyMemberCache {
  /** Bounded: the least recently used (device, room) entries go first. */
  private readonly rooms: BoundedMap<string, Map<string, Sent>>;

  constructor(maxRooms = 10000) {
    this.rooms = new BoundedMap(maxRooms);
  }

  private key(viewer: Requester, roomId: string): string {
    return `${viewer.userId}\u0000${viewer.deviceId}\u0000${roomId}`;
  }

  private room(viewer: Requester, roomId: string): Map<string, Sent> {
    const key = this.key(viewer, roomId);
    let room = this.rooms.get(key);
    if (!room) this.rooms.set(key, (room = new Map()));
    return room;
  }

  /** The device starts again from nothing in this room (initial or full-state sync). */
  reset(viewer: Requester, roomId: string): void {
    this.rooms.delete(this.key(viewer, roomId));
  }

  /** True when the device acknowledged (synced past) a response that carried this member event. */
  has(viewer: Requester, roomId: string, member: string, eventId: string, since: number | null): boolean {
    if (since === null) return false;
    const sent = this.rooms.get(this.key(viewer, roomId))?.get(member);
    return sent !== undefined && sent.eventId === eventId && sent.at <= since;
  }

  record(viewer: Requester, roomId: string, members: Iterable<[string, string]>, at: number): void {
    let room: Map<string, Sent> | null = null;
    for (const [member, eventId] of members) {
      room ??= this.room(viewer, roomId);
      const old = room.get(member);
      // Keep the older, acknowledged position when the same event is sent again.
      if (old?.eventId !== eventId) room.set(member, { eventId, at });
    }
  }
}

export interface LazyStateInput {
  /** The state the response would carry without lazy loading. */
  stateIds: ReadonlyMap<StateTuple, string>;
  /**
   * True when `stateIds` is the change across the gap of a limited incremental sync: the spec
   * wants those member events sent whether redundant or not.
   */
  gap: boolean;
  /** Users whose member events the response needs: senders shown, heroes, maybe the user. */
  wanted: Iterable<string>;
  /** The member event of a user in the state at the start of the timeline. */
  memberAt(userId: string): string | undefined;
  /** True when the client already has this member event. */
  redundant(userId: string, eventId: string): boolean;
}

/** The state to send with lazy loading: everything but member events, then the wanted members. */
export function lazyMemberState(input: LazyStateInput): Map<StateTuple, string> {
  const out = new Map<StateTuple, string>();
  for (const [t, id] of input.stateIds) if (input.gap || !isMemberTuple(t)) out.set(t, id);
  for (const userId of input.wanted) {
    const t = stateTuple('m.room.member', userId);
    if (out.has(t)) continue;
    const id = input.memberAt(userId);
    if (id !== undefined && !input.redundant(userId, id)) out.set(t, id);
  }
  return out;
}
