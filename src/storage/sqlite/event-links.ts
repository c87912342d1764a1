// Memoised answers to two questions every formatted event asks, once per viewer: "was it
// redacted, and by what?" and "does any event relate to it?" (bundled aggregations). With ten
// members reading a room, each new event asked both in SQLite ten times. The answers change only
// when an event is written (a redaction, a relation) or a room is purged, and the store updates
// or drops them there, so a memoised answer is always the one SQLite would give.
import { BoundedMap } from '../../core/bounded-map.js';
const MAX_ENTRIES = 20_000;

export class EventLinks {
  /** eventId -> id of the redaction that took effect, or null for none. */
  private readonly redactions = new BoundedMap<string, string | null>(MAX_ENTRIES);
  /** eventId -> whether some relation points at it. */
  private readonly children = new BoundedMap<string, boolean>(MAX_ENTRIES);

  redactedBy(eventId: string, read: (eventId: string) => string | null): string | null {
    let by = this.redactions.get(eventId);
    if (by === undefined) this.redactions.set(eventId, (by = read(eventId)));
    return by;
  }

  hasChildren(eventId: string, read: (eventId: string) => boolean): boolean {
    let has = this.children.get(eventId);
    if (has === undefined) this.children.set(eventId, (has = read(eventId)));
    return has;
  }

  /** A redaction was recorded (INSERT OR IGNORE: the first one recorded stays). */
  redacted(targetId: string, redactionId: string): void {
    if (this.redactions.get(targetId) === null) this.redactions.set(targetId, redactionId);
    // A redacted event's own relation is dropped: its parent may have no children left.
    this.children.clear();
  }

  /** A relation to `parentId` was recorded. */
  related(parentId: string): void {
    if (this.children.has(parentId)) this.children.set(parentId, true);
  }

  /** Forget everything (a purge, or a failed commit whose writes were rolled back). */
  clear(): void {
    this.redactions.clear();
    this.children.clear();
  }
}

