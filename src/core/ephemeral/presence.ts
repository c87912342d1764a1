// Presence of local users (spec presence.md), one state for both protocols, in memory. Two
// sources feed it: Matrix clients (PUT /presence, /sync's set_presence; a user whose client stops
// syncing goes offline) and the account's XMPP resources (RFC 6121 available presence, <show/>
// and <status/>). Matrix room-mates see the best of the two; XMPP contacts see the Matrix source
// as a resource of its own (src/xmpp/modules/presence/matrix-resource.ts), beside the real ones.
import type { JsonObject } from '../events/types.js';
import type { CoreServices } from '../services.js';
import { commitPosition } from './position.js';

export const PRESENCE_STATES = ['online', 'offline', 'unavailable'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];
export type PresenceSource = 'matrix' | 'xmpp';

export interface SourceState { presence: PresenceState; statusMsg: string | null; changedAt: number }

interface Entry {
  matrix: SourceState | null;
  xmpp: SourceState | null;
  /** What room-mates see: the best source. */
  presence: PresenceState;
  statusMsg: string | null;
  lastActive: number;
  /** When a Matrix client last said anything (the sweep's clock). */
  lastSeen: number;
  stream: number;
}

export type SourceListener = (userId: string, source: PresenceSource, state: SourceState) => void;

/** How often users who stopped syncing are looked for. */
const SWEEP_MS = 30_000;
const RANK: Record<PresenceState, number> = { offline: 0, unavailable: 1, online: 2 };
/** Joins of rooms up to this size show the newcomers' and members' presence to each other. */
const ROOM_MATES_RESTAMPED = 50;

/** The state room-mates see: the better source; on a tie, the one that changed last (its status). */
export function combined(a: SourceState | null, b: SourceState | null): { presence: PresenceState; statusMsg: string | null } {
  const best = !a ? b : !b ? a : RANK[a.presence] !== RANK[b.presence] ? (RANK[a.presence] > RANK[b.presence] ? a : b) : (a.changedAt >= b.changedAt ? a : b);
  return best ? { presence: best.presence, statusMsg: best.statusMsg } : { presence: 'offline', statusMsg: null };
}

export class Presence {
  private readonly users = new Map<string, Entry>();
  /** The newest stream position of any user's presence change. */
  private newest = 0;
  private readonly sweeper: NodeJS.Timeout;
  private readonly listeners = new Set<SourceListener>();

  private readonly unsubscribe: () => void;

  constructor(private readonly core: CoreServices) {
    this.sweeper = setInterval(() => { void this.sweep(Date.now()); }, SWEEP_MS);
    this.sweeper.unref();
    this.unsubscribe = core.bus.onRoomEvent((n) => {
      if (n.pdu.type === 'm.room.member' && n.pdu.content.membership === 'join') {
        this.joined(n.roomId).catch((err: unknown) => core.logger.warn({ err }, 'presence for new room-mates failed'));
      }
    });
  }

  close(): void {
    clearInterval(this.sweeper);
    this.unsubscribe();
  }

  /**
   * Someone joined a room: they and its members become room-mates, who have not seen each
   * other's presence yet (a sync only carries changes). Each one's current state is stamped again
   * so that it reaches the other side (and, harmlessly, old room-mates once more). Rooms larger
   * than this are left alone: that many new stamps per join would cost more than they show.
   */
  private async joined(roomId: string): Promise<void> {
    if (!this.enabled || this.users.size === 0) return;
    const members = this.core.rooms.joinedMembers(roomId);
    if (members.length > ROOM_MATES_RESTAMPED) return;
    const known = members.flatMap((u) => {
      const e = this.users.get(u);
      return e && e.presence !== 'offline' ? [[u, e] as const] : [];
    });
    if (known.length > 0) await this.stamp(known);
  }

  get enabled(): boolean { return this.core.config.matrix.presence; }

  /** Called when one source of a user changes (XMPP shows the Matrix one as a resource). */
  onSourceChange(fn: SourceListener): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  /**
   * A user whose client stopped calling /sync (or PUT /presence) for longer than the longest
   * long-poll plus a minute has gone away: their Matrix source becomes offline, as Synapse does.
   */
  async sweep(now: number): Promise<void> {
    const limit = this.core.config.matrix.max_sync_timeout_ms + 60_000;
    for (const [userId, e] of [...this.users]) {
      if (e.matrix && e.matrix.presence !== 'offline' && now - e.lastSeen > limit) await this.set(userId, 'offline');
    }
  }

  /** The Matrix source: a client's PUT /presence or /sync. */
  async set(userId: string, presence: PresenceState, statusMsg?: string | null): Promise<void> {
    if (!this.enabled) return;
    const e = this.entry(userId);
    e.lastSeen = Date.now();
    await this.update(userId, e, 'matrix', presence, statusMsg === undefined ? e.matrix?.statusMsg ?? null : statusMsg);
  }

  /**
   * A /sync without `set_presence`: the user is there. It brings an offline user online, but
   * does not undo an 'unavailable' the client set itself (else a PUT would flap back at the next
   * long-poll).
   */
  async syncing(userId: string): Promise<void> {
    const e = this.users.get(userId);
    if (e?.matrix?.presence === 'unavailable') {
      e.lastSeen = Date.now();
      return;
    }
    await this.set(userId, 'online');
  }

  /** The XMPP source: the account's resources, summed up (offline when none is available). */
  async setXmpp(userId: string, presence: PresenceState, statusMsg: string | null): Promise<void> {
    if (!this.enabled) return;
    const e = this.users.get(userId);
    if (!e && presence === 'offline') return; // nothing known, nothing to say
    await this.update(userId, e ?? this.entry(userId), 'xmpp', presence, statusMsg);
  }

  /** One source's state, or null when that source never said anything. */
  source(userId: string, source: PresenceSource): SourceState | null {
    return this.users.get(userId)?.[source] ?? null;
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
    // Most incremental syncs see no change: nothing newer than the token means no scan of every user.
    if (from !== null && this.newest <= from) return [];
    // Find the changed users before reading any rooms.
    const changed = [...this.users].filter(([, e]) => e.stream !== 0 && e.stream <= to && (from === null || e.stream > from));
    if (changed.length === 0) return [];
    const audience = this.audience(viewer);
    return changed.filter(([u]) => audience.has(u)).map(([u]) => ({ type: 'm.presence', sender: u, content: this.contentOf(u)! }));
  }

  private entry(userId: string): Entry {
    let e = this.users.get(userId);
    if (!e) this.users.set(userId, (e = { matrix: null, xmpp: null, presence: 'offline', statusMsg: null, lastActive: Date.now(), lastSeen: Date.now(), stream: 0 }));
    return e;
  }

  private async update(userId: string, e: Entry, source: PresenceSource, presence: PresenceState, statusMsg: string | null): Promise<void> {
    const now = Date.now();
    if (presence === 'online') e.lastActive = now;
    const old = e[source];
    if (old && old.presence === presence && old.statusMsg === statusMsg) return;
    const state: SourceState = { presence, statusMsg, changedAt: now };
    e[source] = state;
    for (const fn of this.listeners) {
      try { fn(userId, source, state); } catch (err) { this.core.logger.warn({ err }, 'presence listener failed'); }
    }
    const seen = combined(e.matrix, e.xmpp);
    // The first word of a source always counts as a change (a new user is news to room-mates).
    if (e.stream !== 0 && seen.presence === e.presence && seen.statusMsg === e.statusMsg) return;
    e.presence = seen.presence;
    e.statusMsg = seen.statusMsg;
    await this.stamp([[userId, e]]);
  }

  /** One new stream position for these users' states, and one wake-up for everyone who sees any of them. */
  private async stamp(users: readonly (readonly [string, Entry])[]): Promise<void> {
    const pos = await commitPosition(this.core);
    const woken = new Set<string>();
    for (const [userId, e] of users) {
      e.stream = pos;
      for (const u of this.audience(userId)) woken.add(u);
    }
    if (pos > this.newest) this.newest = pos;
    for (const u of woken) this.core.bus.publishUser({ stream: pos, userId: u, kind: 'ephemeral', roomId: '', type: 'm.presence' });
  }
}
