import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseH, SmCounters } from './counters.js';

test('acks drop what they cover and refuse more than was sent', () => {
  const c = new SmCounters();
  c.sent('<a1/>'); c.sent('<a2/>'); c.sent('<a3/>');
  assert.deepEqual(c.ack(1), { ok: true });
  assert.deepEqual(c.unacked, ['<a2/>', '<a3/>']);
  assert.deepEqual(c.ack(1), { ok: true }, 'a repeated ack is harmless');
  assert.deepEqual(c.ack(4), { ok: false, sent: 3 });
  assert.deepEqual(c.ack(3), { ok: true });
  assert.equal(c.unacked.length, 0);
  assert.equal(c.sentCount, 3);
});

test('inbound h counts asynchronous work only once it is done, in order', async () => {
  const c = new SmCounters();
  let finish!: () => void;
  c.received(new Promise<void>((r) => { finish = r; }));
  c.received();
  c.received(Promise.reject(new Error('failed stanzas count as handled')));
  const h = c.settled();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(c.handledCount, 0, 'the later stanza waits for the earlier one');
  finish();
  assert.equal(await h, 3);
});

test('drain hands over the unacked stanzas and keeps counts consistent', () => {
  const c = new SmCounters();
  c.sent('<x/>'); c.sent('<y/>');
  c.ack(1);
  assert.deepEqual(c.drain(), ['<y/>']);
  assert.equal(c.sentCount, 2);
});

test('h attributes are 32-bit unsigned integers and wrap', () => {
  assert.equal(parseH('0'), 0);
  assert.equal(parseH('4294967295'), 4294967295);
  assert.equal(parseH('4294967296'), null);
  assert.equal(parseH('-1'), null);
  assert.equal(parseH('1e3'), null);
  assert.equal(parseH(undefined), null);
  const c = new SmCounters();
  // Pretend 2^32 - 1 stanzas were acknowledged already: the next ack wraps to 0.
  c.sent('<p/>');
  c.ack(1);
  (c as unknown as { acked: number }).acked = 4294967295;
  c.sent('<q/>');
  assert.deepEqual(c.ack(0), { ok: true });
  assert.equal(c.unacked.length, 0);
});
