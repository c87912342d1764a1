import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionCache } from './session-cache.js';

test('a session is read once, read again after clear() or once it is 5 s old; unknown tokens are not kept', () => {
  let now = 0;
  const c = new SessionCache(() => now);
  let reads = 0;
  const alice = { userId: '@a:h', deviceId: 'D' };
  const read = () => { reads++; return alice; };
  assert.deepEqual(c.session('t', read), alice);
  assert.deepEqual(c.session('t', read), alice);
  assert.equal(reads, 1);
  c.clear();
  c.session('t', read);
  assert.equal(reads, 2);
  now += 4_999;
  c.session('t', read);
  assert.equal(reads, 2);
  now += 1;
  c.session('t', read);
  assert.equal(reads, 3);
  const none = () => { reads++; return null; };
  assert.equal(c.session('bad', none), null);
  assert.equal(c.session('bad', none), null);
  assert.equal(reads, 5);
});

test('expiry is kept beside the session, null (never) included', () => {
  const c = new SessionCache(() => 0);
  let reads = 0;
  assert.equal(c.expiry('t', () => { reads++; return null; }), null);
  assert.equal(c.expiry('t', () => { reads++; return 5; }), null);
  assert.equal(c.expiry('u', () => { reads++; return 5; }), 5);
  assert.equal(reads, 2);
  c.clear();
  assert.equal(c.expiry('t', () => { reads++; return 7; }), 7);
});

test('a move of the version (another connection committed) drops every entry at the next lookup', () => {
  let version = 1;
  const c = new SessionCache(() => 0, () => version);
  let reads = 0;
  const read = () => { reads++; return { userId: '@a:h', deviceId: 'D' }; };
  c.session('t', read);
  c.session('t', read);
  assert.equal(reads, 1);
  version = 2;
  c.session('t', read);
  assert.equal(reads, 2);
  c.session('t', read);
  assert.equal(reads, 2);
});
