// Per-connection state (MSC4186 "Connections"): what each `pos` handed out means, so that an
// incremental request sends only rooms that are new to the client or changed since they were
// sent. Kept in memory: a restart, or a connection unused for CONNECTION_TTL_MS, makes its `pos`
// unknown and the client starts over (M_UNKNOWN_POS), which the MSC allows.
import { randomBytes } from 'node:crypto';
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

export const CONNECTION_TTL_MS = 24 * 3600_000;
/** Connections one device may hold; the least recently used goes first. */
export const MAX_CONNECTIONS_PER_DEVICE = 10;

interface Connection { states: Map<string, ConnState>; lastUsed: number }

export class UnknownPosError extends Error {}

export class Connections {
  // user \0 device -> conn_id -> connection; Map order is use order (re-inserted on each use).
  private readonly byDevice = new Map<string, Map<string, Connection>>();
  private readonly nonce = randomBytes(4).toString('hex');
  private counter = 0;
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The state a request starts from. No pos: a fresh connection (any old one under this conn_id
   * ends). A pos this connection did not hand out, or no longer holds: UnknownPosError. Seeing a
   * pos lets every other state of the connection go (MSC4186: the client processed that response).
   */
  start(user: string, device: string, connId: string, pos: string | null): ConnState {
    this.sweep();
    const conns = this.byDevice.get(`${user}\0${device}`);
    const conn = conns?.get(connId);
    if (pos === null) {
      conns?.delete(connId);
      return EMPTY_CONN;
    }
    const state = conn?.states.get(pos);
    if (!conn || !state) throw new UnknownPosError(pos);
    for (const p of [...conn.states.keys()]) if (p !== pos) conn.states.delete(p);
    conn.lastUsed = this.now();
    return state;
  }

  /** Records the state a response leaves the client in and returns its pos. */
  issue(user: string, device: string, connId: string, state: ConnState): string {
    const devKey = `${user}\0${device}`;
    let conns = this.byDevice.get(devKey);
    if (!conns) this.byDevice.set(devKey, (conns = new Map()));
    let conn = conns.get(connId);
    if (conn) conns.delete(connId);
    else conn = { states: new Map(), lastUsed: 0 };
    conns.set(connId, conn);
    conn.lastUsed = this.now();
    while (conns.size > MAX_CONNECTIONS_PER_DEVICE) conns.delete(conns.keys().next().value!);
    const pos = `${state.upto ?? 0}_${this.nonce}${(++this.counter).toString(36)}`;
    conn.states.set(pos, state);
    return pos;
  }

  /** Connections of the device end (logout, device deletion). */
  forgetDevice(user: string, device: string): void {
    this.byDevice.delete(`${user}\0${device}`);
  }

  /** Number of connections held (tests, metrics). */
  get size(): number {
    let n = 0;
    for (const c of this.byDevice.values()) n += c.size;
    return n;
  }

  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [k, conns] of this.byDevice) {
      for (const [id, c] of conns) if (now - c.lastUsed > CONNECTION_TTL_MS) conns.delete(id);
      if (conns.size === 0) this.byDevice.delete(k);
    }
  }
}
