import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StateGroupCache } from './state-group-cache.js';

const group = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`t\u0000${i}`, `$${i}`]));

test('groups are kept up to the entry budget, least recently used first out', () => {
  const c = new StateGroupCache(10);
  c.add(1, group(4));
  c.add(2, group(4));
  assert.equal(c.get(1)?.size, 4); // 1 is now the most recently used
  c.add(3, group(4)); // 12 entries > 10: 2 goes
  assert.equal(c.get(2), undefined);
  assert.equal(c.get(1)?.size, 4);
  assert.equal(c.get(3)?.size, 4);
  c.add(4, group(11)); // larger than the whole budget: not kept, nothing pushed out
  assert.equal(c.get(4), undefined);
  assert.equal(c.size, 2);
  c.clear();
  assert.equal(c.get(1), undefined);
  assert.equal(c.size, 0);
});
