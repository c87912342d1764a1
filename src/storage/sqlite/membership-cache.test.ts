import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MembershipCache, type MembershipRow } from './membership-cache.js';

const row = (roomId: string, userId: string, membership = 'join'): MembershipRow => ({ roomId, userId, membership, stream: 1, eventId: '$e' });

test('rows are loaded once per user and per room, and loaded again after a change of either', () => {
  const c = new MembershipCache();
  let loads = 0;
  const load = (rows: MembershipRow[]) => () => { loads++; return rows; };
  assert.deepEqual(c.ofUser('@a', load([row('!r', '@a')])), [row('!r', '@a')]);
  c.ofUser('@a', load([]));
  c.ofRoom('!r', load([row('!r', '@a')]));
  c.ofRoom('!s', load([]));
  assert.equal(loads, 3);
  // @b joins !r: !r's members and @b's rooms change, @a's rooms and !s's members do not.
  c.changed('!r', '@b');
  c.ofUser('@a', load([]));
  c.ofRoom('!s', load([]));
  assert.equal(loads, 3);
  assert.deepEqual(c.ofRoom('!r', load([row('!r', '@a'), row('!r', '@b')])).length, 2);
  c.ofUser('@b', load([row('!r', '@b')]));
  assert.equal(loads, 5);
  // @a leaves !r: @a's cached rooms go.
  c.changed('!r', '@a');
  assert.deepEqual(c.ofUser('@a', load([row('!r', '@a', 'leave')])), [row('!r', '@a', 'leave')]);
  assert.equal(loads, 6);
});

test('clear drops everything; the size bound starts over rather than grow', () => {
  const c = new MembershipCache(2);
  let loads = 0;
  const load = () => { loads++; return []; };
  c.ofUser('@a', load);
  c.ofUser('@b', load);
  c.ofUser('@c', load);
  c.ofUser('@c', load);
  assert.equal(loads, 3);
  c.ofUser('@a', load);
  assert.equal(loads, 4);
  c.clear();
  c.ofUser('@c', load);
  assert.equal(loads, 5);
});
