import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from './bucket.js';

test('a bucket allows the burst, then refuses with the time until the next token', () => {
  const rl = new RateLimiter({ perSecond: 2, burst: 3 });
  assert.equal(rl.take('a', 0), 0);
  assert.equal(rl.take('a', 0), 0);
  assert.equal(rl.take('a', 0), 0);
  assert.equal(rl.take('a', 0), 500);
  // Another key has its own bucket.
  assert.equal(rl.take('b', 0), 0);
  // Half a second later one token is back, and only one.
  assert.equal(rl.take('a', 500), 0);
  assert.equal(rl.take('a', 500), 500);
  assert.equal(rl.take('a', 750), 250);
});

test('refill stops at the burst; wait() does not spend', () => {
  const rl = new RateLimiter({ perSecond: 1, burst: 2 });
  assert.equal(rl.take('a', 0), 0);
  assert.equal(rl.take('a', 0), 0);
  assert.equal(rl.wait('a', 0), 1000);
  assert.equal(rl.wait('a', 100_000), 0);
  assert.equal(rl.take('a', 100_000), 0);
  assert.equal(rl.take('a', 100_000), 0);
  assert.equal(rl.take('a', 100_000), 1000);
});

test('a clock that goes back never adds tokens', () => {
  const rl = new RateLimiter({ perSecond: 1, burst: 1 });
  assert.equal(rl.take('a', 5000), 0);
  assert.equal(rl.take('a', 1000), 1000);
});

test('a flood of new keys stays bounded and does not free a key that keeps asking', () => {
  const rl = new RateLimiter({ perSecond: 1, burst: 1 });
  assert.equal(rl.take('busy', 0), 0);
  for (let i = 0; i < 120_000; i++) {
    rl.take(`spray-${i}`, 0);
    // The limited key asks again now and then, as a real client does; it stays limited.
    if (i % 10_000 === 0) assert.equal(rl.take('busy', 0), 1000);
  }
  assert.ok(rl.size <= 50_000, `size ${rl.size}`);
  assert.equal(rl.take('busy', 0), 1000);
});
