// An archive read from room timelines (DESIGN §1: there is no separate archive): the matching
// events of a set of rooms, merged by stream position. Each room is scanned in batches because
// most events of a room (state, reactions, receipts) are not archive items.
import type { EventStore, StoredEvent } from '../../../core/ports.js';
import type { ArchiveItem, ArchiveSource } from './paging.js';

const BATCH = 200;

export interface EventItem extends ArchiveItem {
  ev: StoredEvent;
  roomId: string;
}

export interface RoomSourceOptions {
  events: EventStore;
  /** Rooms the archive is made of; an id in any of them is "in the archive". */
  rooms: string[];
  /** Rooms the query's filters (e.g. 'with') keep; a subset of `rooms`. */
  searched: string[];
  /** Whether an event is an archive item that matches the query's filters. */
  matches(ev: StoredEvent): boolean;
}

export function roomSource(o: RoomSourceOptions): ArchiveSource<EventItem> {
  const inArchive = new Set(o.rooms);
  const roomOf = (ev: StoredEvent) => ev.pdu.room_id;

  function scanRoom(roomId: string, lo: number, hi: number, newestFirst: boolean, limit: number): EventItem[] {
    const out: EventItem[] = [];
    // roomEventsBetween takes (from, to]; our bounds are both exclusive.
    let from = lo;
    let to = hi - 1;
    while (out.length < limit && from < to) {
      const batch = o.events.roomEventsBetween(roomId, from, to, BATCH, newestFirst);
      for (const ev of batch) {
        if (o.matches(ev)) out.push({ stream: ev.stream, id: ev.eventId, ev, roomId });
        if (out.length >= limit) break;
      }
      if (batch.length < BATCH) break;
      const edge = batch[batch.length - 1]!.stream;
      if (newestFirst) to = edge - 1;
      else from = edge;
    }
    return out;
  }

  return {
    scan(lo, hi, newestFirst, limit) {
      const all = o.searched.flatMap((r) => scanRoom(r, lo, hi, newestFirst, limit));
      all.sort((a, b) => (newestFirst ? b.stream - a.stream : a.stream - b.stream));
      return all.slice(0, limit);
    },
    count(lo, hi) {
      return o.searched.reduce((n, r) => n + scanRoom(r, lo, hi, false, Number.MAX_SAFE_INTEGER).length, 0);
    },
    locate(id) {
      const ev = o.events.getEvent(id);
      return ev && inArchive.has(roomOf(ev)) ? ev.stream : null;
    },
    get(id) {
      const ev = o.events.getEvent(id);
      if (!ev || !o.searched.includes(roomOf(ev)) || !o.matches(ev)) return null;
      return { stream: ev.stream, id: ev.eventId, ev, roomId: roomOf(ev) };
    },
  };
}
