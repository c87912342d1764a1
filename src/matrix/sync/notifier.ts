// Wakes /sync long-polls from the in-memory bus (DESIGN §5: never by polling the database), and
// remembers each room's latest stream position (and latest membership change) so an incremental
// sync reads only rooms that changed.
import type { Bus } from '../../core/bus.js';
import type { EventStore, RoomStore } from '../../core/ports.js';
import type { ClientWatch } from '../http/types.js';

export class SyncNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly latest = new Map<string, number>();
  private readonly latestMembership = new Map<string, number>();
  /** Notices each user has had (sync/quiet.ts tells by it that nothing changed for them). */
  private readonly notices = new Map<string, number>();
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly events: EventStore, private readonly rooms: Pick<RoomStore, 'latestMembershipStream'>, bus: Bus) {
    this.unsubscribe.push(
      bus.onRoomEvent((n) => {
        const known = this.latest.get(n.roomId);
        // Rooms not cached yet are read from the database on first use, which already has this event.
        if (known !== undefined && known < n.stream) this.latest.set(n.roomId, n.stream);
        if (n.pdu.type === 'm.room.member') {
          const m = this.latestMembership.get(n.roomId);
          if (m !== undefined && m < n.stream) this.latestMembership.set(n.roomId, n.stream);
        }
        for (const u of n.recipients) this.wake(u);
      }),
      bus.onUser((n) => this.wake(n.userId)),
    );
  }

  /** The stream position of the room's newest event (0 for none). */
  latestIn(roomId: string): number {
    let pos = this.latest.get(roomId);
    if (pos === undefined) {
      pos = this.events.roomEventsBefore(roomId, Number.MAX_SAFE_INTEGER, 1)[0]?.stream ?? 0;
      this.latest.set(roomId, pos);
    }
    return pos;
  }

  /**
   * The stream position of the room's newest membership event (0 for none): device_lists only
   * has to look at a room's events when someone joined or left since the token.
   */
  latestMembershipIn(roomId: string): number {
    let pos = this.latestMembership.get(roomId);
    if (pos === undefined) {
      pos = this.rooms.latestMembershipStream(roomId);
      this.latestMembership.set(roomId, pos);
    }
    return pos;
  }

  /** How many notices the user has had since the process started. */
  noticeCount(userId: string): number {
    return this.notices.get(userId) ?? 0;
  }

  /** Resolves at the next notice for the user, after timeoutMs, or when the client goes away. */
  wait(userId: string, timeoutMs: number, client: ClientWatch): Promise<void> {
    // A request that arrives on a kept-alive connection after close() must not arm a timer
    // that holds the process open for the whole long-poll.
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.waiters.get(userId);
      if (!set) this.waiters.set(userId, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        stopWatching();
        const s = this.waiters.get(userId);
        if (s) {
          s.delete(done);
          if (s.size === 0) this.waiters.delete(userId);
        }
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      const stopWatching = client.onGone(done);
      set.add(done);
      if (client.gone) done();
    });
  }

  /** True once the API is shutting down: woken long-polls must not read the closing database. */
  get closed(): boolean { return this.stopped; }

  /** Ends every wait (shutdown) and stops listening to the bus. */
  close(): void {
    this.stopped = true;
    for (const fn of this.unsubscribe) fn();
    for (const set of [...this.waiters.values()]) for (const done of [...set]) done();
  }

  private wake(userId: string): void {
    this.notices.set(userId, (this.notices.get(userId) ?? 0) + 1);
    const set = this.waiters.get(userId);
    if (set) for (const done of [...set]) done();
  }
}
