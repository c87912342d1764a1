// Per-connection state (MSC4186 "Connections"): what each `pos` handed out means, so that an
// incremental request sends only rooms that are new to the client or changed since they were
// sent. Held in memory while the client syncs, and saved to storage a few seconds after it
// changes and at shutdown, so that a restart does not end every client's connection. A
// connection unused for CONNECTION_TTL_MS is gone and its `pos` unknown (M_UNKNOWN_POS): the
// client starts over, which the MSC allows.
import { randomBytes } from 'node:crypto';
import type { SlidingConnectionStore } from '../../core/ports.js';
import { parseStates, serializeStates } from './persist.js';
import type { ExtensionsRequest, RoomConfig } from './request.js';
import type { RequiredStateSpec } from './required-state.js';

/** What the client holds of one room on this connection. */
export interface SentRoom {
  /** Stream position up to which the room's timeline and state were sent. */
  at: number;
  /** Stream position of the oldest event of the unbroken timeline the client holds (a larger timeline_limit reaches before it). */
  from: number;
  membership: string;
  timelineLimit: number;
  /** The required_state the room was last sent with (a wider one sends the room's state again). */
  stateSpec: RequiredStateSpec;
  isDm: boolean;
  /** Members sent through lazy loading. */
  lazySent: ReadonlySet<string>;
  /** notification_count and highlight_count as last sent (joined rooms). */
  counts?: readonly [number, number];
}

/** Extension configs stay in force until the client sends new ones (to_device's `since` does not). */
export type StickyExtensions = Omit<ExtensionsRequest, 'to_device'> & { to_device?: Omit<NonNullable<ExtensionsRequest['to_device']>, 'since'> };

export interface ConnState {
  /** The stream position this state was computed at; null before the first response. */
  upto: number | null;
  rooms: ReadonlyMap<string, SentRoom>;
  /** Room subscriptions stay until `unsubscribe_rooms` names them (matrix-js-sdk sends each once). */
  subscriptions: ReadonlyMap<string, RoomConfig>;
  extensions: StickyExtensions;
  /** List counts of the last response: a change ends a long-poll. */
  listCounts: ReadonlyMap<string, number>;
}

export const EMPTY_CONN: ConnState = { upto: null, rooms: new Map(), subscriptions: new Map(), extensions: {}, listCounts: new Map() };

export const CONNECTION_TTL_MS = 7 * 24 * 3600_000;
/** Connections one device may hold; the least recently used goes first. */
export const MAX_CONNECTIONS_PER_DEVICE = 10;
/** Connections one user may keep in storage, over all their devices. */
export const MAX_CONNECTIONS_PER_USER = 50;
/** A saved connection unused this long leaves memory; its next request reads it back. */
export const IDLE_IN_MEMORY_MS = 10 * 60_000;
/** How long a changed connection waits to be saved: a syncing client changes it on every response. */
export const SAVE_DELAY_MS = 5000;

interface Connection { states: Map<string, ConnState>; lastUsed: number }

export class UnknownPosError extends Error {}

/** Where connections are saved; `write` runs a write in the storage's write queue. */
export interface ConnectionPersistence { store: SlidingConnectionStore; write(fn: () => void): void }

const SEP = '\u0000';

export class Connections {
  // user \0 device -> conn_id -> connection; Map order is use order (re-inserted on each use).
  private readonly byDevice = new Map<string, Map<string, Connection>>();
  /** Connections changed since they were last saved (user \0 device \0 conn_id). */
  private readonly dirty = new Set<string>();
  private readonly nonce = randomBytes(4).toString('hex');
  private counter = 0;
  private lastSweep = 0;
  private saveTimer: NodeJS.Timeout | null = null;

  constructor(private readonly now: () => number = Date.now, private readonly persist: ConnectionPersistence | null = null) {}

  /**
   * The state a request starts from. No pos: a fresh connection (any old one under this conn_id
   * ends). A pos this connection did not hand out, or no longer holds: UnknownPosError. Seeing a
   * pos lets every other state of the connection go (MSC4186: the client processed that response).
   */
  start(user: string, device: string, connId: string, pos: string | null): ConnState {
    this.sweep();
    const devKey = `${user}${SEP}${device}`;
    const conns = this.byDevice.get(devKey);
    if (pos === null) {
      conns?.delete(connId);
      this.changed(devKey, connId);
      return EMPTY_CONN;
    }
    const conn = conns?.get(connId) ?? this.load(user, device, connId);
    const state = conn?.states.get(pos);
    if (!conn || !state) throw new UnknownPosError(pos);
    if (conn.states.size > 1) {
      for (const p of [...conn.states.keys()]) if (p !== pos) conn.states.delete(p);
      this.changed(devKey, connId);
    }
    conn.lastUsed = this.now();
    return state;
  }

  /** Records the state a response leaves the client in and returns its pos. */
  issue(user: string, device: string, connId: string, state: ConnState): string {
    const devKey = `${user}${SEP}${device}`;
    let conns = this.byDevice.get(devKey);
    if (!conns) this.byDevice.set(devKey, (conns = new Map()));
    let conn = conns.get(connId);
    if (conn) conns.delete(connId);
    else conn = { states: new Map(), lastUsed: 0 };
    conns.set(connId, conn);
    conn.lastUsed = this.now();
    while (conns.size > MAX_CONNECTIONS_PER_DEVICE) {
      const oldest = conns.keys().next().value!;
      conns.delete(oldest);
      this.changed(devKey, oldest);
    }
    const pos = `${state.upto ?? 0}_${this.nonce}${(++this.counter).toString(36)}`;
    conn.states.set(pos, state);
    this.changed(devKey, connId);
    return pos;
  }

  /** Connections of the device end (logout, device deletion). */
  forgetDevice(user: string, device: string): void {
    const devKey = `${user}${SEP}${device}`;
    for (const connId of this.byDevice.get(devKey)?.keys() ?? []) this.changed(devKey, connId);
    this.byDevice.delete(devKey);
  }

  /** Number of connections held in memory (tests, metrics). */
  get size(): number {
    let n = 0;
    for (const c of this.byDevice.values()) n += c.size;
    return n;
  }

  /** Saves every changed connection now (shutdown; tests). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const persist = this.persist;
    if (!persist) return this.dirty.clear();
    for (const key of this.dirty) {
      const [user, device, connId] = key.split(SEP) as [string, string, string];
      const conn = this.byDevice.get(`${user}${SEP}${device}`)?.get(connId);
      if (!conn) {
        persist.write(() => persist.store.remove(user, device, connId));
        continue;
      }
      // Serialized now: the states are immutable, but the connection's map moves on.
      const data = serializeStates(conn.states);
      const lastUsed = conn.lastUsed;
      persist.write(() => persist.store.put(user, device, connId, lastUsed, data, MAX_CONNECTIONS_PER_USER));
    }
    this.dirty.clear();
  }

  private changed(devKey: string, connId: string): void {
    if (!this.persist) return;
    this.dirty.add(`${devKey}${SEP}${connId}`);
    if (!this.saveTimer) {
      this.saveTimer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
      this.saveTimer.unref();
    }
  }

  /** A connection saved by an earlier run (or that left memory), back into memory. */
  private load(user: string, device: string, connId: string): Connection | undefined {
    // Changed and not in memory: it ended here, whatever storage still says until the next save.
    if (this.dirty.has(`${user}${SEP}${device}${SEP}${connId}`)) return undefined;
    const row = this.persist?.store.get(user, device, connId);
    if (!row || this.now() - row.lastUsed > CONNECTION_TTL_MS) return undefined;
    const states = parseStates(row.data);
    if (!states) return undefined;
    const devKey = `${user}${SEP}${device}`;
    let conns = this.byDevice.get(devKey);
    if (!conns) this.byDevice.set(devKey, (conns = new Map()));
    const conn: Connection = { states, lastUsed: row.lastUsed };
    conns.set(connId, conn);
    return conn;
  }

  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    // In memory, a saved connection stays while in use; in storage, until the TTL.
    const idle = this.persist ? IDLE_IN_MEMORY_MS : CONNECTION_TTL_MS;
    for (const [k, conns] of this.byDevice) {
      for (const [id, c] of conns) if (now - c.lastUsed > idle && !this.dirty.has(`${k}${SEP}${id}`)) conns.delete(id);
      if (conns.size === 0) this.byDevice.delete(k);
    }
    const persist = this.persist;
    if (persist) persist.write(() => { persist.store.expire(now - CONNECTION_TTL_MS); });
  }
}
