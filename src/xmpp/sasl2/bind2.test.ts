import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bind2Resource, cleanBindTag } from './bind2.js';

test('resource: tag/id, stable for the same account, client id and tag, never showing the client id', () => {
  const a = bind2Resource('alice', 'Conversations', 'uuid-1');
  assert.match(a, /^Conversations\/[A-Za-z0-9_-]{12}$/);
  assert.equal(bind2Resource('alice', 'Conversations', 'uuid-1'), a);
  assert.notEqual(bind2Resource('bob', 'Conversations', 'uuid-1'), a.replace('alice', 'bob'));
  assert.notEqual(bind2Resource('alice', 'Conversations', 'uuid-2'), a);
  assert.notEqual(bind2Resource('alice', 'Dino', 'uuid-1').split('/')[1], a.split('/')[1]);
  assert.ok(!a.includes('uuid-1'));
});

test('resource without a client id is random; without a tag it is the id alone', () => {
  assert.notEqual(bind2Resource('alice', 'X', undefined), bind2Resource('alice', 'X', undefined));
  assert.match(bind2Resource('alice', undefined, 'u'), /^[A-Za-z0-9_-]{12}$/);
  assert.match(bind2Resource('alice', '   ', 'u'), /^[A-Za-z0-9_-]{12}$/);
});

test('tags are trimmed, cut to 64 characters, and dropped when not valid in a resource', () => {
  assert.equal(cleanBindTag('  Gajim '), 'Gajim');
  assert.equal([...cleanBindTag('é'.repeat(100))].length, 64);
  assert.equal(cleanBindTag('bad\u0001tag'), '');
  assert.equal(cleanBindTag(undefined), '');
});
