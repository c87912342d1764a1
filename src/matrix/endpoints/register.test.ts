import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usernameProblem } from './register.js';

test('user names: lower-case localpart characters, 1-64 long, not starting with _', () => {
  for (const ok of ['alice', 'a', 'bob.smith', 'x=y-z/w+v', '0', 'a'.repeat(64)]) assert.equal(usernameProblem(ok), null, ok);
  for (const bad of ['', 'Alice', 'has space', 'ümlaut', '_xmpp_bob', '_', 'a'.repeat(65), 'a:b', '@alice']) {
    assert.equal(typeof usernameProblem(bad), 'string', bad);
  }
});
