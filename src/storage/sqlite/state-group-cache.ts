// Loaded state groups, kept in memory. A state group never changes once written (a new state
// event makes a new group), yet every incremental /sync with lazy-loaded members asked for the
// group at the start of its timeline, and each ask walked the delta chain in SQLite and parsed
// every delta's JSON again. Bounded by the number of (tuple, event id) entries held; the least
// recently used groups go first. Cached maps are shared between readers: never mutate them.
import type { StateTuple } from '../../core/events/types.js';

export type StateMap = ReadonlyMap<StateTuple, string>;

export class StateGroupCache {
  /** In order of last use: the first group is the one to drop when over budget. */
  private readonly groups = new Map<number, StateMap>();
  private entries = 0;

  constructor(private readonly maxEntries = 200_000) {}

  get(id: number): StateMap | undefined {
    const g = this.groups.get(id);
    if (g) {
      this.groups.delete(id);
      this.groups.set(id, g);
    }
    return g;
  }

  add(id: number, state: StateMap): void {
    // A group larger than the whole budget would only push everything else out.
    if (state.size > this.maxEntries || this.groups.has(id)) return;
    this.groups.set(id, state);
    this.entries += state.size;
    while (this.entries > this.maxEntries) {
      const [oldId, old] = this.groups.entries().next().value!;
      this.groups.delete(oldId);
      this.entries -= old.size;
    }
  }

  /** Everything goes (a room was purged: its groups would only hold memory). */
  clear(): void {
    this.groups.clear();
    this.entries = 0;
  }

  get size(): number { return this.groups.size; }
}
