import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredEvent } from '../../core/ports.js';
import { RecentEvents } from './recent-events.js';

function ev(roomId: string, stream: number): StoredEvent {
  return {
    stream, eventId: `$${roomId}${stream}`, stateGroup: 1,
    pdu: { type: 'm.room.message', room_id: roomId, sender: '@a:h', content: { n: stream }, origin_server_ts: stream, depth: stream, prev_events: [], auth_events: [], hashes: { sha256: '' }, signatures: {} } as never,
  };
}
const streams = (evs: StoredEvent[] | null) => evs?.map((e) => e.stream) ?? null;

test('a range after the first cached event is answered from memory, in either order and within the limit', () => {
  const c = new RecentEvents();
  for (const s of [10, 12, 15, 20]) c.add('!r', ev('!r', s));
  assert.deepEqual(streams(c.between('!r', 9, 20, 10, false)), [10, 12, 15, 20]);
  assert.deepEqual(streams(c.between('!r', 10, 15, 10, false)), [12, 15]);
  assert.deepEqual(streams(c.between('!r', 11, 30, 2, false)), [12, 15]);
  assert.deepEqual(streams(c.between('!r', 11, 30, 2, true)), [20, 15]);
  assert.deepEqual(streams(c.between('!r', 20, 30, 5, true)), []);
  assert.equal(c.get('$!r15')?.stream, 15);
  assert.equal(c.get('$!r99'), undefined);
  // Nothing known about other rooms.
  assert.equal(c.between('!other', 0, 30, 5, true), null);
});

test('a range reaching before the first cached event is unknown, unless its newest `limit` are all here', () => {
  const c = new RecentEvents();
  for (const s of [10, 12, 15]) c.add('!r', ev('!r', s));
  // Stream 9 may hold an older event of the room that was never cached.
  assert.equal(c.between('!r', 0, 20, 10, false), null);
  assert.equal(c.between('!r', 0, 20, 10, true), null);
  assert.equal(c.between('!r', 8, 20, 10, true), null);
  assert.deepEqual(streams(c.between('!r', 0, 20, 3, true)), [15, 12, 10]);
  assert.deepEqual(streams(c.between('!r', 0, 13, 2, true)), [12, 10]);
  assert.equal(c.between('!r', 0, 13, 3, true), null);
  assert.deepEqual(streams(c.before('!r', 15, 2)), [12, 10]);
  assert.equal(c.before('!r', 15, 3), null);
  assert.deepEqual(streams(c.after('!r', 10, 5)), [12, 15]);
  assert.equal(c.after('!r', 5, 5), null);
});

test('dropping the oldest events of a room moves its coverage up', () => {
  const c = new RecentEvents(3, 100);
  for (const s of [1, 2, 3, 4, 5]) c.add('!r', ev('!r', s));
  assert.equal(c.size, 3);
  assert.equal(c.get('$!r2'), undefined);
  assert.equal(c.between('!r', 1, 5, 10, false), null);
  assert.deepEqual(streams(c.between('!r', 2, 5, 10, false)), [3, 4, 5]);
});

test('over the total budget the room written least recently goes first', () => {
  const c = new RecentEvents(10, 4);
  c.add('!a', ev('!a', 1));
  c.add('!b', ev('!b', 2));
  c.add('!a', ev('!a', 3));
  c.add('!c', ev('!c', 4));
  c.add('!c', ev('!c', 5));
  assert.equal(c.size, 4);
  assert.equal(c.between('!b', 0, 10, 10, false), null);
  assert.equal(c.get('$!b2'), undefined);
  assert.deepEqual(streams(c.between('!a', 0, 10, 2, true)), [3, 1]);
});

test('a room forgotten (purged) or a cleared cache (failed commit) answers nothing from memory', () => {
  const c = new RecentEvents();
  c.add('!a', ev('!a', 1));
  c.add('!b', ev('!b', 2));
  c.forgetRoom('!a');
  assert.equal(c.get('$!a1'), undefined);
  assert.equal(c.between('!a', 0, 10, 1, true), null);
  assert.equal(c.size, 1);
  c.clear();
  assert.equal(c.get('$!b2'), undefined);
  assert.equal(c.between('!b', 1, 10, 1, true), null);
  assert.equal(c.size, 0);
});

test('an event out of stream order restarts the room instead of breaking its coverage', () => {
  const c = new RecentEvents();
  c.add('!r', ev('!r', 5));
  c.add('!r', ev('!r', 3));
  assert.equal(c.get('$!r5'), undefined);
  assert.equal(c.between('!r', 0, 10, 10, false), null);
  assert.deepEqual(streams(c.between('!r', 2, 10, 10, false)), [3]);
});
