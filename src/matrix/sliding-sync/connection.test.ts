import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONNECTION_TTL_MS, Connections, EMPTY_CONN, MAX_CONNECTIONS_PER_DEVICE, UnknownPosError, type ConnState } from './connection.js';

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
});
