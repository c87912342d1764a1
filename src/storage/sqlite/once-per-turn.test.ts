import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oncePerTurn } from './once-per-turn.js';

test('reads once within a turn and again in the next one', async () => {
  let source = 1;
  let reads = 0;
  const v = oncePerTurn(() => { reads++; return source; });
  assert.equal(v(), 1);
  source = 2;
  assert.equal(v(), 1, 'the same turn keeps the value it read');
  assert.equal(reads, 1);
  await Promise.resolve();
  assert.equal(v(), 2, 'a later turn reads again');
  assert.equal(reads, 2);
  await new Promise((r) => setImmediate(r));
  source = 3;
  assert.equal(v(), 3);
  assert.equal(reads, 3);
});

test('a read that throws is not remembered', () => {
  let fail = true;
  const v = oncePerTurn(() => { if (fail) throw new Error('busy'); return 7; });
  assert.throws(() => v(), /busy/);
  fail = false;
  assert.equal(v(), 7);
});
