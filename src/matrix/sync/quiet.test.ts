import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuietDevices } from './quiet.js';

const alice = { userId: '@a:h', deviceId: 'A', accessToken: 't' };
const alice2 = { userId: '@a:h', deviceId: 'B', accessToken: 'u' };

test('quiet only for the token just handed out, with the same filter, and no notice since', () => {
  const q = new QuietDevices();
  assert.equal(q.quiet(alice, null, 's5', 0), false);
  q.record(alice, 'f', 's5', 3);
  assert.equal(q.quiet(alice, 'f', 's5', 3), true);
  assert.equal(q.quiet(alice, 'f', 's5', 4), false, 'a notice came');
  assert.equal(q.quiet(alice, 'f', 's4', 3), false, 'an older token');
  assert.equal(q.quiet(alice, null, 's5', 3), false, 'another filter');
  assert.equal(q.quiet(alice2, 'f', 's5', 3), false, 'another device');
});

test('a token that holds to-device messages back is never quiet', () => {
  const q = new QuietDevices();
  q.record(alice, null, 's5', 0);
  q.record(alice, null, 's9_d7', 0);
  assert.equal(q.quiet(alice, null, 's9_d7', 0), false);
  assert.equal(q.quiet(alice, null, 's5', 0), false);
});

test('bounded: the oldest device is forgotten first', () => {
  const q = new QuietDevices(1);
  q.record(alice, null, 's5', 0);
  q.record(alice2, null, 's6', 0);
  assert.equal(q.quiet(alice, null, 's5', 0), false);
  assert.equal(q.quiet(alice2, null, 's6', 0), true);
});
