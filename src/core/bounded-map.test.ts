import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from './bounded-map.js';

test('a bounded map keeps at most max entries, dropping the least recently used half first', () => {
  const m = new BoundedMap<string, number>(4);
  for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) m.set(k, i);
  assert.equal(m.size, 4);
  assert.equal(m.get('a'), 0, 'read from the old generation: moves back to the young one');
  m.set('e', 4);
  assert.ok(m.size <= 4);
  assert.equal(m.get('a'), 0, 'kept: it was used');
  assert.equal(m.get('e'), 4);
  assert.equal(m.has('b') && m.has('c'), false, 'the unused old ones are gone');
  for (let i = 0; i < 1000; i++) m.set(`k${i}`, i);
  assert.ok(m.size <= 4);
  for (const max of [1, 2, 3, 5]) {
    const small = new BoundedMap<number, number>(max);
    for (let i = 0; i < 20; i++) small.set(i, i);
    assert.ok(small.size <= max && small.size >= 1, `max ${max}: ${small.size}`);
    assert.equal(small.get(19), 19, 'the newest is always kept');
  }
});

test('set replaces in either generation, delete removes from both, undefined values count as present', () => {
  const m = new BoundedMap<string, number | undefined>(4);
  m.set('a', 1); m.set('b', 2); m.set('c', 3); // a, b old; c young
  m.set('a', 10);
  assert.equal(m.get('a'), 10);
  assert.equal(m.delete('b'), true);
  assert.equal(m.has('b'), false);
  assert.equal(m.delete('b'), false);
  m.set('u', undefined);
  assert.equal(m.has('u'), true);
  m.clear();
  assert.equal(m.size, 0);
  assert.equal(m.get('a'), undefined);
});
