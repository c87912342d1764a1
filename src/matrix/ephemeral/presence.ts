// Presence of local users (spec presence.md): in memory, set by PUT /presence and by /sync's
// set_presence, shown to the people who share a room with the user.
import type { JsonObject } from '../../core/events/types.js';
import type { CoreServices } from '../../core/services.js';
import { commitPosition } from '../../core/ephemeral/position.js';

export const PRESENCE_STATES = ['online', 'offline', 'unavailable'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

interface Entry { presence: PresenceState; statusMsg: string | null; lastActive: number; lastSeen: number; stream: number }

/** How often users who stopped syncing are looked for. */
const SWEEP_MS = 30_000;

export class Presence {
  private readonly users = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly core: CoreServices) {
    this.sweeper = setInterval(() => { void this.sweep(Date.now()); }, SWEEP_MS);
    this.sweeper.unref();
  }

  close(): void { clearInterval(this.sweeper); }

  /**
   * A user whose client stopped calling /sync (or PUT /presence) for longer than the longest
   * long-poll plus a minute has gone away: they become offline, as Synapse does.
   */
  async sweep(now: number): Promise<void> {
    const limit = this.core.config.matrix.max_sync_timeout_ms + 60_000;
    for (const [userId, e] of [...this.users]) {
      if (e.presence !== 'offline' && now - e.lastSeen > limit) await this.set(userId, 'offline');
    }
  }

  get enabled(): boolean { return this.core.config.matrix.presence; }

  /** Records the user's state; a change takes a stream position and wakes those who can see it. */
  async set(userId: string, presence: PresenceState, statusMsg?: string | null): Promise<void> {
    if (!this.enabled) return;
    const old = this.users.get(userId);
    const now = Date.now();
    const msg = statusMsg === undefined ? old?.statusMsg ?? null : statusMsg;
    if (old && old.presence === presence && old.statusMsg === msg) {
      old.lastSeen = now;
      if (presence === 'online') old.lastActive = now;
      return;
    }
    const entry: Entry = { presence, statusMsg: msg, lastActive: presence === 'online' || !old ? now : old.lastActive, lastSeen: now, stream: old?.stream ?? 0 };
    this.users.set(userId, entry);
    const pos = await commitPosition(this.core);
    entry.stream = pos;
    for (const u of this.audience(userId)) this.core.bus.publishUser({ stream: pos, userId: u, kind: 'ephemeral', roomId: '', type: 'm.presence' });
  }

  /** The spec's presence content, or null for a user never seen. */
  contentOf(userId: string): JsonObject | null {
    const e = this.users.get(userId);
    if (!e) return null;
    const out: JsonObject = { presence: e.presence, last_active_ago: Date.now() - e.lastActive, currently_active: e.presence === 'online' };
    if (e.statusMsg !== null) out.status_msg = e.statusMsg;
    return out;
  }

  /** Local users sharing a joined room with the user, and the user. */
  audience(userId: string): Set<string> {
    const out = new Set<string>([userId]);
    for (const r of this.core.storage.rooms.roomsForUser(userId, ['join'])) {
      for (const u of this.core.rooms.joinedMembers(r.roomId)) if (this.core.accounts.localpartOf(u) !== null) out.add(u);
    }
    return out;
  }

  /** m.presence events for the viewer of changes in (from, to]; all known ones when from is null. */
  eventsFor(viewer: string, from: number | null, to: number): { type: string; sender: string; content: JsonObject }[] {
    if (!this.enabled) return [];
    // Most incremental syncs see no change: find the changed users before reading any rooms.
    const changed = [...this.users].filter(([, e]) => e.stream !== 0 && e.stream <= to && (from === null || e.stream > from));
    if (changed.length === 0) return [];
    const audience = this.audience(viewer);
    return changed.filter(([u]) => audience.has(u)).map(([u]) => ({ type: 'm.presence', sender: u, content: this.contentOf(u)! }));
  }
}
