import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SlidingConnectionStore } from '../../core/ports.js';
import { CONNECTION_TTL_MS, Connections, EMPTY_CONN, IDLE_IN_MEMORY_MS, MAX_CONNECTIONS_PER_DEVICE, UnknownPosError, type ConnState } from './connection.js';

const at = (upto: number): ConnState => ({ ...EMPTY_CONN, upto });

describe('sliding sync connections', () => {
  it('a pos leads back to the state it was issued with, and retrying the same pos works', () => {
    const c = new Connections();
    assert.equal(c.start('@u', 'D', '', null), EMPTY_CONN);
    const p1 = c.issue('@u', 'D', '', at(5));
    assert.equal(c.start('@u', 'D', '', p1).upto, 5);
    const p2 = c.issue('@u', 'D', '', at(8));
    // The client never processed p2 and retries p1: still known.
    assert.equal(c.start('@u', 'D', '', p1).upto, 5);
    assert.throws(() => c.start('@u', 'D', '', p2), UnknownPosError);
  });

  it('once a newer pos is used, older ones are gone', () => {
    const c = new Connections();
    const p1 = c.issue('@u', 'D', '', at(5));
    c.start('@u', 'D', '', p1);
    const p2 = c.issue('@u', 'D', '', at(8));
    c.start('@u', 'D', '', p2);
    assert.throws(() => c.start('@u', 'D', '', p1), UnknownPosError);
  });

  it('keeps connections apart by user, device and conn_id', () => {
    const c = new Connections();
    const p = c.issue('@u', 'D', 'main', at(1));
    assert.throws(() => c.start('@u', 'D', 'other', p), UnknownPosError);
    assert.throws(() => c.start('@u', 'E', 'main', p), UnknownPosError);
    assert.throws(() => c.start('@v', 'D', 'main', p), UnknownPosError);
    assert.equal(c.start('@u', 'D', 'main', p).upto, 1);
  });

  it('a request without pos starts the conn_id afresh', () => {
    const c = new Connections();
    const p = c.issue('@u', 'D', '', at(1));
    c.start('@u', 'D', '', null);
    assert.throws(() => c.start('@u', 'D', '', p), UnknownPosError);
  });

  it('drops the least recently used connection past the per-device cap, and idle ones after the TTL', () => {
    let now = 0;
    const c = new Connections(() => now);
    const first = c.issue('@u', 'D', 'c0', at(1));
    for (let i = 1; i <= MAX_CONNECTIONS_PER_DEVICE; i++) c.issue('@u', 'D', `c${i}`, at(1));
    assert.equal(c.size, MAX_CONNECTIONS_PER_DEVICE);
    assert.throws(() => c.start('@u', 'D', 'c0', first), UnknownPosError);
    const p = c.issue('@u', 'E', '', at(1));
    now += CONNECTION_TTL_MS + 61_000;
    assert.throws(() => c.start('@u', 'E', '', p), UnknownPosError);
  });

  describe('saved to storage', () => {
    /** A store in a Map, with writes run at once (the write queue is storage's business). */
    function memoryStore(): SlidingConnectionStore & { rows: Map<string, { lastUsed: number; data: string }> } {
      const rows = new Map<string, { lastUsed: number; data: string }>();
      const k = (u: string, d: string, c: string) => `${u}|${d}|${c}`;
      return {
        rows,
        get: (u, d, c) => rows.get(k(u, d, c)) ?? null,
        put: (u, d, c, lastUsed, data) => { rows.set(k(u, d, c), { lastUsed, data }); },
        remove: (u, d, c) => { rows.delete(k(u, d, c)); },
        expire: (before) => { let n = 0; for (const [key, r] of rows) if (r.lastUsed < before) { rows.delete(key); n++; } return n; },
      };
    }
    const persisted = (store: SlidingConnectionStore, now: () => number = Date.now) => new Connections(now, { store, write: (fn) => fn() });

    it('a pos issued before a restart still leads to its state after it', () => {
      const store = memoryStore();
      const before = persisted(store);
      const p = before.issue('@u', 'D', 'room-list', at(7));
      before.flush();
      const after = persisted(store);
      assert.equal(after.start('@u', 'D', 'room-list', p).upto, 7);
      assert.throws(() => after.start('@u', 'D', 'other', p), UnknownPosError);
      assert.throws(() => after.start('@u', 'E', 'room-list', p), UnknownPosError);
    });

    it('a connection restarted without pos ends its old pos at once, in memory and once saved', () => {
      const store = memoryStore();
      const c = persisted(store);
      const p = c.issue('@u', 'D', '', at(1));
      c.flush();
      c.start('@u', 'D', '', null);
      assert.throws(() => c.start('@u', 'D', '', p), UnknownPosError);
      c.flush();
      assert.equal(store.rows.size, 0);
      assert.throws(() => persisted(store).start('@u', 'D', '', p), UnknownPosError);
    });

    it('an idle connection leaves memory and comes back from storage; one past the TTL does not', () => {
      const store = memoryStore();
      let now = 1_000_000;
      const c = persisted(store, () => now);
      const p = c.issue('@u', 'D', '', at(3));
      c.flush();
      now += IDLE_IN_MEMORY_MS + 61_000;
      c.start('@v', 'D', '', null);
      assert.equal(c.size, 0);
      assert.equal(c.start('@u', 'D', '', p).upto, 3);
      now += CONNECTION_TTL_MS + 61_000;
      assert.throws(() => persisted(store, () => now).start('@u', 'D', '', p), UnknownPosError);
    });
  });
});
