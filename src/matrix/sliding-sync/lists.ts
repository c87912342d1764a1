// The room list each sliding sync list indexes into (MSC4186 "Lists"): the user's rooms, filtered
// by the list's filters, sorted by last activity (newest first), then cut to the list's ranges.
import type { ListConfig, ListFilters } from './request.js';

/** What the filters and the sort need to know about one room of the user. */
export interface RoomFacts {
  roomId: string;
  membership: string;
  /** Sort key: the stream position of the room's last event the user may see. */
  activity: number;
  isDm: boolean;
  isEncrypted: boolean;
  /** `type` of the m.room.create content, null for none. */
  roomType: string | null;
  /** The room's tags (m.tag account data); read only when a list filters on tags. */
  tags(): ReadonlySet<string>;
  /** The room's display name as the user sees it; computed only when a list filters on it. */
  name(): string;
}

/** Newest activity first; ties (rare: one event per position) broken by room id so the order is stable. */
export function sortByActivity<T extends { roomId: string; activity: number }>(rooms: T[]): T[] {
  return [...rooms].sort((a, b) => b.activity - a.activity || (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0));
}

/**
 * True when the room passes every filter set. `spaceChildren` is the union of the children of the
 * filter's spaces (null when the list does not filter on spaces).
 */
export function matchesFilters(r: RoomFacts, f: ListFilters, spaceChildren: ReadonlySet<string> | null): boolean {
  if (f.isDm !== undefined && r.isDm !== f.isDm) return false;
  if (f.isEncrypted !== undefined && r.isEncrypted !== f.isEncrypted) return false;
  if (f.isInvite !== undefined && (r.membership === 'invite') !== f.isInvite) return false;
  // not_room_types wins over room_types (MSC4186 SlidingRoomFilter).
  if (f.notRoomTypes?.includes(r.roomType)) return false;
  if (f.roomTypes && !f.roomTypes.includes(r.roomType)) return false;
  if (spaceChildren && !spaceChildren.has(r.roomId)) return false;
  if (f.notTags && f.notTags.length > 0) {
    const tags = r.tags();
    if (f.notTags.some((t) => tags.has(t))) return false;
  }
  if (f.tags && f.tags.length > 0) {
    const tags = r.tags();
    if (!f.tags.some((t) => tags.has(t))) return false;
  }
  // MSC3575: case-insensitive partial match, like SQL's LIKE '%term%'.
  if (f.roomNameLike && !r.name().toLowerCase().includes(f.roomNameLike.toLowerCase())) return false;
  return true;
}

export interface ListWindow {
  /** Rooms matching the filters, ignoring the ranges. */
  count: number;
  /** Rooms inside the ranges, in list order. */
  roomIds: string[];
}

/** The rooms of a sorted list that fall inside the list's ranges (all of them when it has none). */
export function listWindow(sorted: RoomFacts[], list: Pick<ListConfig, 'ranges' | 'filters'>, spaceChildren: ReadonlySet<string> | null): ListWindow {
  const matching = sorted.filter((r) => matchesFilters(r, list.filters, spaceChildren));
  if (list.ranges === null) return { count: matching.length, roomIds: matching.map((r) => r.roomId) };
  const picked = new Set<number>();
  for (const [start, end] of list.ranges) {
    for (let i = start; i <= Math.min(end, matching.length - 1); i++) picked.add(i);
  }
  return { count: matching.length, roomIds: [...picked].sort((a, b) => a - b).map((i) => matching[i].roomId) };
}
