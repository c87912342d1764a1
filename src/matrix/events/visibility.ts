// Per-event history visibility (spec "Room History Visibility", server behaviour): whether a user
// may see an event, from the room's history_visibility and the user's membership in the state
// at that event (the state just after it, as stored with each event). Pure: the caller gives the
// room's history_visibility changes and the user's membership changes, oldest first.

export interface Change { stream: number; value: string }

export interface VisibilityHistory {
  /** Every m.room.history_visibility value the room had, with the position it took effect. */
  visibility: Change[];
  /** Every membership the user had in the room. */
  membership: Change[];
}

export interface EventPosition { stream: number; type: string; stateKey?: string }

/** The value in effect just after position `pos` (`inclusive`) or just before it. */
function valueAt(changes: Change[], pos: number, inclusive: boolean): string | undefined {
  let out: string | undefined;
  for (const c of changes) {
    if (inclusive ? c.stream > pos : c.stream >= pos) break;
    out = c.value;
  }
  return out;
}

const KNOWN = new Set(['world_readable', 'shared', 'invited', 'joined']);

/** Spec: no history_visibility, or a value not understood, is `shared`. */
function normalize(v: string | undefined): string {
  return v !== undefined && KNOWN.has(v) ? v : 'shared';
}

function allowed(h: VisibilityHistory, pos: number, hv: string, membership: string | undefined): boolean {
  if (hv === 'world_readable') return true;
  if (membership === 'join') return true;
  // "shared, and the user joined the room at any point after the event was sent".
  if (hv === 'shared' && h.membership.some((c) => c.stream > pos && c.value === 'join')) return true;
  return hv === 'invited' && membership === 'invite';
}

export function maySee(h: VisibilityHistory, ev: EventPosition, userId: string): boolean {
  const hvAfter = normalize(valueAt(h.visibility, ev.stream, true));
  const memberAfter = valueAt(h.membership, ev.stream, true);
  if (allowed(h, ev.stream, hvAfter, memberAfter)) return true;
  // A history_visibility change, and the user's own membership change, are visible when the
  // state before them would allow it as well.
  const isHv = ev.type === 'm.room.history_visibility' && ev.stateKey === '';
  const isOwn = ev.type === 'm.room.member' && ev.stateKey === userId;
  if (!isHv && !isOwn) return false;
  const hvBefore = isHv ? normalize(valueAt(h.visibility, ev.stream, false)) : hvAfter;
  const memberBefore = isOwn ? valueAt(h.membership, ev.stream, false) : memberAfter;
  return allowed(h, ev.stream, hvBefore, memberBefore);
}
