// Reading a room's past: its state at a stream position, and how far back a user may read.
import type { EventStore, Storage, StoredEvent } from '../../core/ports.js';
import type { RoomService } from '../../core/rooms/service.js';
import { stateTuple, type StateTuple } from '../../core/events/types.js';
import { maySee, type Change, type VisibilityHistory } from './visibility.js';

/** Which events of one room one user may see (built per request, reads storage only when needed). */
/** What visibility needs of an event: where it is, and what it is (for the spec's own-membership and history_visibility cases). */
export interface EventAt { stream: number; pdu: { type: string; state_key?: string } }

export interface RoomVisibility {
  sees(ev: EventAt): boolean;
  filter<T extends StoredEvent>(evs: T[]): T[];
}

/** State of the room just after stream position `pos`: the state group of its last event at or before it. */
export function stateIdsAt(events: EventStore, roomId: string, pos: number): ReadonlyMap<StateTuple, string> {
  const last = events.roomEventsBefore(roomId, pos + 1, 1)[0];
  return last ? events.stateGroup(last.stateGroup) : new Map();
}

export function loadEvents(events: EventStore, ids: Iterable<string>): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const id of ids) {
    const ev = events.getEvent(id);
    if (ev) out.push(ev);
  }
  return out;
}

/**
 * The member events, in the state just after `pos`, of the senders of `shown` (spec
 * "Lazy-loading room members" for /messages and /context; redundant ones are not left out).
 */
export function senderMembersAt(events: EventStore, roomId: string, pos: number, shown: { pdu: { sender: string } }[]): StoredEvent[] {
  if (shown.length === 0) return [];
  const ids = stateIdsAt(events, roomId, pos);
  const senders = new Set(shown.map((e) => e.pdu.sender));
  return loadEvents(events, [...senders].map((u) => ids.get(stateTuple('m.room.member', u))).filter((id) => id !== undefined));
}

/** Longest chain of past memberships walked to find a user's last join (join/leave/ban loops are short). */
const MAX_MEMBERSHIP_WALK = 20;

export class History {
  constructor(private readonly storage: Storage, private readonly rooms: RoomService) {}

  /**
   * The last stream position of the room the user may read, or null when they may read nothing.
   * Spec "Room History Visibility", simplified to room-level rules: a joined member reads the
   * whole history (the `shared` default of every preset), a former member reads up to the
   * membership change that ended their last join, and `world_readable` rooms are open to all.
   * It bounds reads; which events inside the bound a user sees is `visibility()` below.
   */
  visibleUpTo(roomId: string, userId: string, upto: number): number | null {
    const head = this.rooms.head(roomId);
    if (!head) return null;
    const membership = this.rooms.membership(roomId, userId);
    if (membership === 'join') return upto;
    const hv = this.rooms.stateContent(roomId, 'm.room.history_visibility')?.history_visibility;
    if (hv === 'world_readable') return upto;
    if (membership !== 'leave' && membership !== 'ban') return null;
    const memberId = head.stateIds.get(stateTuple('m.room.member', userId));
    const current = memberId ? this.storage.events.getEvent(memberId) : null;
    if (!current) return null;
    const end = this.endOfLastJoin(roomId, userId, current);
    return end === null ? null : Math.min(end, upto);
  }

  /**
   * Per-event visibility (spec "Room History Visibility", events/visibility.ts). Events at or
   * after the user's current join are visible without reading anything: their membership there
   * is `join`. Others are checked against the room's history_visibility changes and the user's
   * membership changes, read once (an indexed lookup each).
   */
  visibility(roomId: string, userId: string): RoomVisibility {
    const head = this.rooms.head(roomId);
    const ownId = head?.stateIds.get(stateTuple('m.room.member', userId));
    const own = ownId ? this.storage.events.getEvent(ownId) : null;
    const joinedFrom = own?.pdu.content.membership === 'join' ? own.stream : Number.POSITIVE_INFINITY;
    let hist: VisibilityHistory | null = null;
    const changes = (type: string, stateKey: string, key: string): Change[] =>
      this.storage.events.stateHistory(roomId, type, stateKey).map((e) => ({ stream: e.stream, value: String(e.pdu.content[key]) }));
    const sees = (ev: EventAt): boolean => {
      if (ev.stream >= joinedFrom) return true;
      hist ??= { visibility: changes('m.room.history_visibility', '', 'history_visibility'), membership: changes('m.room.member', userId, 'membership') };
      return maySee(hist, { stream: ev.stream, type: ev.pdu.type, stateKey: ev.pdu.state_key }, userId);
    };
    return { sees, filter: (evs) => evs.filter(sees) };
  }

  /** Walks back through the user's membership events to the one that ended their last join. */
  private endOfLastJoin(roomId: string, userId: string, current: StoredEvent): number | null {
    const tuple = stateTuple('m.room.member', userId);
    let ev = current;
    for (let i = 0; i < MAX_MEMBERSHIP_WALK; i++) {
      const prevId = stateIdsAt(this.storage.events, roomId, ev.stream - 1).get(tuple);
      const prev = prevId ? this.storage.events.getEvent(prevId) : null;
      if (!prev) return null;
      if (prev.pdu.content.membership === 'join') return ev.stream;
      ev = prev;
    }
    return null;
  }
}
