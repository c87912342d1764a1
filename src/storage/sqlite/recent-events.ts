// The newest events of recently active rooms, kept parsed in memory. One new event is read by
// every member's /sync (and by unread counts, device-list checks, MAM); without this each of them
// read its row again and parsed its JSON. Filled at write time, in stream order per room, so for
// each cached room every event after `coveredFrom` is here and a range that starts there can be
// answered without SQLite. Cached objects are shared between readers: they must not be mutated.
import type { StoredEvent } from '../../core/ports.js';

interface RoomEvents {
  /** Oldest first, by stream. */
  events: StoredEvent[];
  /** Every event of the room with stream > coveredFrom is in `events`. */
  coveredFrom: number;
}

/** Index of the first event with stream > pos (events sorted by stream). */
function firstAfter(events: StoredEvent[], pos: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].stream > pos) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class RecentEvents {
  /** In order of the last write: the first room is the one to drop when over budget. */
  private readonly rooms = new Map<string, RoomEvents>();
  private readonly byId = new Map<string, StoredEvent>();
  private total = 0;

  constructor(private readonly maxPerRoom = 200, private readonly maxTotal = 5000) {}

  get size(): number { return this.total; }

  /** Records a newly written event; the room's events must arrive in stream order. */
  add(roomId: string, ev: StoredEvent): void {
    let room = this.rooms.get(roomId);
    if (room) {
      this.rooms.delete(roomId);
      const last = room.events[room.events.length - 1];
      // Out of order would break coverage: start over from this event.
      if (last && last.stream >= ev.stream) {
        this.dropRoom(room);
        room = undefined;
      }
    }
    if (!room) room = { events: [], coveredFrom: ev.stream - 1 };
    this.rooms.set(roomId, room);
    room.events.push(ev);
    this.byId.set(ev.eventId, ev);
    this.total++;
    if (room.events.length > this.maxPerRoom) this.dropOldest(room, room.events.length - this.maxPerRoom);
    while (this.total > this.maxTotal) {
      const [oldestId, oldest] = this.rooms.entries().next().value!;
      this.rooms.delete(oldestId);
      this.dropRoom(oldest);
    }
  }

  get(eventId: string): StoredEvent | undefined {
    return this.byId.get(eventId);
  }

  /**
   * Events with stream in (from, to], at most `limit`, oldest first or newest first; null when
   * the cache cannot tell (older events of the room may lie in the range).
   */
  between(roomId: string, from: number, to: number, limit: number, newestFirst: boolean): StoredEvent[] | null {
    const room = this.rooms.get(roomId);
    if (!room) return null;
    const evs = room.events;
    const lo = firstAfter(evs, Math.max(from, room.coveredFrom));
    const hi = firstAfter(evs, to);
    const count = Math.max(0, hi - lo);
    if (from < room.coveredFrom) {
      // Not all of the range is here; the newest `limit` of it may still be.
      if (!newestFirst || count < limit) return null;
    }
    if (newestFirst) return evs.slice(Math.max(lo, hi - limit), hi).reverse();
    return evs.slice(lo, Math.min(hi, lo + limit));
  }

  /** Events with stream < before, newest first, at most `limit`; null when not all are here. */
  before(roomId: string, before: number, limit: number): StoredEvent[] | null {
    return this.between(roomId, 0, before - 1, limit, true);
  }

  /** Events with stream > after, oldest first, at most `limit`; null when not all are here. */
  after(roomId: string, after: number, limit: number): StoredEvent[] | null {
    return this.between(roomId, after, Number.MAX_SAFE_INTEGER, limit, false);
  }

  /** Forgets everything (a commit failed: what was added in it is not on disk). */
  clear(): void {
    this.rooms.clear();
    this.byId.clear();
    this.total = 0;
  }

  /** Forgets a room (its rows were purged). */
  forgetRoom(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    this.dropRoom(room);
  }

  private dropOldest(room: RoomEvents, n: number): void {
    const gone = room.events.splice(0, n);
    for (const ev of gone) this.byId.delete(ev.eventId);
    room.coveredFrom = gone[gone.length - 1].stream;
    this.total -= n;
  }

  private dropRoom(room: RoomEvents): void {
    for (const ev of room.events) this.byId.delete(ev.eventId);
    this.total -= room.events.length;
  }
}
