// The text a sliding sync connection is saved as (storage's SlidingConnectionStore), so that a
// `pos` outlives a restart. Compact: a room is an array, and the required_state specs, the same
// for every room of a list, are written once and referred to by index.
import type { ConnState, SentRoom, StickyExtensions } from './connection.js';
import { specKey, type RequiredStateSpec } from './required-state.js';
import type { RoomConfig } from './request.js';

const VERSION = 1;

/** roomId, at, from, membership, timelineLimit, spec index, isDm, lazily sent members, counts. */
type RoomRow = [string, number, number, string, number, number, 0 | 1, string[], [number, number] | null];
/** roomId, timelineLimit, spec index, and include_old_rooms' timelineLimit and spec index. */
type SubRow = [string, number, number, number?, number?];
interface StateRow { upto: number | null; rooms: RoomRow[]; subs: SubRow[]; ext: StickyExtensions; counts: [string, number][] }
interface Saved { v: number; specs: RequiredStateSpec[]; states: [string, StateRow][] }

/** The connection's states (by the pos that leads to each) as one JSON text. */
export function serializeStates(states: ReadonlyMap<string, ConnState>): string {
  const specs: RequiredStateSpec[] = [];
  const index = new Map<RequiredStateSpec, number>();
  const byKey = new Map<string, number>();
  const specIndex = (s: RequiredStateSpec): number => {
    let i = index.get(s);
    if (i !== undefined) return i;
    const k = specKey(s);
    i = byKey.get(k);
    if (i === undefined) byKey.set(k, (i = specs.push(s) - 1));
    index.set(s, i);
    return i;
  };
  const rows: [string, StateRow][] = [];
  for (const [pos, st] of states) {
    rows.push([pos, {
      upto: st.upto,
      rooms: [...st.rooms].map(([id, r]) => [id, r.at, r.from, r.membership, r.timelineLimit, specIndex(r.stateSpec), r.isDm ? 1 : 0, [...r.lazySent], r.counts ? [r.counts[0], r.counts[1]] : null]),
      subs: [...st.subscriptions].map(([id, c]): SubRow => (c.oldRooms
        ? [id, c.timelineLimit, specIndex(c.requiredState), c.oldRooms.timelineLimit, specIndex(c.oldRooms.requiredState)]
        : [id, c.timelineLimit, specIndex(c.requiredState)])),
      ext: st.extensions,
      counts: [...st.listCounts],
    }]);
  }
  const saved: Saved = { v: VERSION, specs, states: rows };
  return JSON.stringify(saved);
}

/** The states back; null for a text this version cannot read (the client then starts over). */
export function parseStates(text: string): Map<string, ConnState> | null {
  let saved: Saved;
  try {
    saved = JSON.parse(text) as Saved;
  } catch {
    return null;
  }
  if (!saved || saved.v !== VERSION || !Array.isArray(saved.specs) || !Array.isArray(saved.states)) return null;
  const spec = (i: number): RequiredStateSpec => {
    const s = saved.specs[i];
    if (!s) throw new Error('unknown spec');
    return s;
  };
  try {
    const out = new Map<string, ConnState>();
    for (const [pos, st] of saved.states) {
      const rooms = new Map<string, SentRoom>();
      for (const [id, at, from, membership, timelineLimit, si, isDm, lazy, counts] of st.rooms) {
        const room: SentRoom = { at, from, membership, timelineLimit, stateSpec: spec(si), isDm: isDm === 1, lazySent: new Set(lazy) };
        if (counts) room.counts = counts;
        rooms.set(id, room);
      }
      const subscriptions = new Map<string, RoomConfig>();
      for (const [id, timelineLimit, si, oldLimit, oldSi] of st.subs) {
        const config: RoomConfig = { timelineLimit, requiredState: spec(si) };
        if (oldLimit !== undefined && oldSi !== undefined) config.oldRooms = { timelineLimit: oldLimit, requiredState: spec(oldSi) };
        subscriptions.set(id, config);
      }
      out.set(pos, { upto: st.upto, rooms, subscriptions, extensions: st.ext, listCounts: new Map(st.counts) });
    }
    return out;
  } catch {
    return null;
  }
}
