// Which state events a room config asks for (MSC4186 "required_state"). Clients send it as a list
// of [type, state_key] pairs with the wildcard `*` and the special keys `$ME` (the requester)
// and `$LAZY` (members who sent the timeline events being returned); the MSC's newer object form
// ({include, exclude, lazy_members}) is read into the same shape by request.ts.

/** [event type, state key]; either may be `*`. */
export type StatePair = readonly [string, string];

export interface RequiredStateSpec {
  include: StatePair[];
  exclude: StatePair[];
  /** Members who sent (or are the target of) returned timeline events are included. */
  lazyMembers: boolean;
}

export const WILDCARD = '*';
export const STATE_KEY_ME = '$ME';
export const STATE_KEY_LAZY = '$LAZY';

export const EMPTY_REQUIRED_STATE: RequiredStateSpec = { include: [], exclude: [], lazyMembers: false };

/** Reads the client's pair list: `[m.room.member, $LAZY]` turns on lazy members. */
export function fromPairs(pairs: StatePair[]): RequiredStateSpec {
  const include: StatePair[] = [];
  let lazyMembers = false;
  for (const [type, key] of pairs) {
    if (key === STATE_KEY_LAZY) {
      // $LAZY only means something for membership; elsewhere it names no state key.
      if (type === 'm.room.member') lazyMembers = true;
      continue;
    }
    include.push([type, key]);
  }
  return { include, exclude: [], lazyMembers };
}

/** The superset of several specs (MSC4186 "Combining room configs"). */
export function mergeSpecs(specs: RequiredStateSpec[]): RequiredStateSpec {
  const include = new Map<string, StatePair>();
  const excludeCounts = new Map<string, { pair: StatePair; n: number }>();
  for (const s of specs) {
    for (const p of s.include) include.set(JSON.stringify(p), p);
    for (const p of s.exclude) {
      const k = JSON.stringify(p);
      const e = excludeCounts.get(k);
      if (e) e.n++;
      else excludeCounts.set(k, { pair: p, n: 1 });
    }
  }
  // An exclusion holds for the union only when every config excludes it.
  const exclude = [...excludeCounts.values()].filter((e) => e.n === specs.length).map((e) => e.pair);
  return { include: [...include.values()], exclude, lazyMembers: specs.some((s) => s.lazyMembers) };
}

/** A stable text for a spec, to tell when a client changed it between requests. */
export function specKey(spec: RequiredStateSpec): string {
  const sorted = (ps: StatePair[]) => ps.map((p) => JSON.stringify(p)).sort();
  return JSON.stringify([sorted(spec.include), sorted(spec.exclude), spec.lazyMembers]);
}

const keyMatches = (want: string, key: string, me: string) => want === WILDCARD || want === key || (want === STATE_KEY_ME && key === me);
const pairMatches = (p: StatePair, type: string, key: string, me: string) => (p[0] === WILDCARD || p[0] === type) && keyMatches(p[1], key, me);

/**
 * A predicate for one spec and viewer. A type named explicitly (or `m.room.member` under lazy
 * loading) is governed by its own entries only, so `[*, *]` with `[m.room.member, $LAZY]` means
 * all state with lazily loaded members, the way clients combine them.
 */
export function stateSelector(spec: RequiredStateSpec, me: string): (type: string, stateKey: string, lazyUsers?: ReadonlySet<string>) => boolean {
  const explicit = new Set(spec.include.map((p) => p[0]).filter((t) => t !== WILDCARD));
  if (spec.lazyMembers) explicit.add('m.room.member');
  return (type, stateKey, lazyUsers) => {
    // Lazily loaded members are not filtered by `exclude` (MSC4186 "Lazy loaded memberships").
    if (spec.lazyMembers && type === 'm.room.member' && lazyUsers?.has(stateKey)) return true;
    if (spec.exclude.some((p) => pairMatches(p, type, stateKey, me))) return false;
    const typed = explicit.has(type);
    return spec.include.some((p) => (typed ? p[0] === type : p[0] === WILDCARD) && keyMatches(p[1], stateKey, me));
  };
}

/** True when `next` may ask for state that `prev` did not (the room's state is then sent again). */
export function widens(prev: RequiredStateSpec, next: RequiredStateSpec): boolean {
  if (next.lazyMembers && !prev.lazyMembers) return true;
  const had = new Set(prev.include.map((p) => JSON.stringify(p)));
  if (next.include.some((p) => !had.has(JSON.stringify(p)))) return true;
  const stillExcluded = new Set(next.exclude.map((p) => JSON.stringify(p)));
  return prev.exclude.some((p) => !stillExcluded.has(JSON.stringify(p)));
}
