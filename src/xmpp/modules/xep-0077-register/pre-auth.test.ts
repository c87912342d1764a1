import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenUsable } from './pre-auth.js';
import { readRequest } from './request.js';
import { parseFragment } from '../../im/payload.js';

test('a token is usable while it has uses left and has not expired', () => {
  assert.equal(tokenUsable(null, 0), false);
  assert.equal(tokenUsable({ usesAllowed: null, completed: 99, expiryTs: null }, 0), true);
  assert.equal(tokenUsable({ usesAllowed: 2, completed: 1, expiryTs: null }, 0), true);
  assert.equal(tokenUsable({ usesAllowed: 2, completed: 2, expiryTs: null }, 0), false);
  assert.equal(tokenUsable({ usesAllowed: null, completed: 0, expiryTs: 10 }, 9), true);
  assert.equal(tokenUsable({ usesAllowed: null, completed: 0, expiryTs: 10 }, 10), false);
});

test('register requests: remove, set, and an empty password is incomplete', () => {
  const q = (inner: string) => readRequest(parseFragment(`<query xmlns='jabber:iq:register'>${inner}</query>`)!);
  assert.deepEqual(q('<remove/>'), { kind: 'remove' });
  assert.deepEqual(q('<username> Bob </username><password>pw</password>'), { kind: 'set', username: 'bob', password: 'pw' });
  assert.deepEqual(q('<password>pw</password>'), { kind: 'set', username: null, password: 'pw' });
  assert.equal(q('<username>bob</username><password/>').kind, 'incomplete');
  assert.equal(q('<username>bob</username>').kind, 'incomplete');
});
