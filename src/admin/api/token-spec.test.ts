import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTokenSpec, TokenSpecError } from './token-spec.js';

test('a token spec takes defaults and refuses bad values', () => {
  const d = parseTokenSpec({});
  assert.match(d.token, /^[A-Za-z0-9_-]+$/);
  assert.equal(d.usesAllowed, null);
  assert.equal(d.expiryTs, null);
  assert.deepEqual(parseTokenSpec({ token: 'abc', uses_allowed: 3 }), { token: 'abc', usesAllowed: 3, expiryTs: null });
  for (const bad of [{ token: 'has space' }, { token: 'x'.repeat(65) }, { token: 5 }, { uses_allowed: -1 }, { uses_allowed: 1.5 },
    { uses_allowed: '3' }, { expiry_time: 1 }, { expiry_time: 'tomorrow' }]) {
    assert.throws(() => parseTokenSpec(bad), TokenSpecError, JSON.stringify(bad));
  }
});
