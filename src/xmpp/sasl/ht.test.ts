import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HtServer, htBinding, isHtMechanism, offeredHtMechanisms } from './ht.js';

const hmac = Buffer.alloc(32, 7);
const msg = (user: string, proof: Buffer) => Buffer.concat([Buffer.from(user), Buffer.from([0]), proof]);

test('HT: authcid NUL 32-byte HMAC; the verifier decides; the server proof is the success data', () => {
  const seen: [string, Buffer][] = [];
  const m = new HtServer('HT-SHA-256-NONE', (u, p) => { seen.push([u, p]); return { serverProof: Buffer.from('R') }; });
  assert.deepEqual(m.step(msg('Alice', hmac)), { type: 'success', username: 'alice', data: Buffer.from('R') });
  assert.deepEqual(seen, [['alice', hmac]]);
  assert.equal(m.step(msg('alice', hmac)).type, 'failure', 'one round only');
});

test('HT: an HMAC holding NUL bytes is read whole (split at the first NUL only)', () => {
  const withNul = Buffer.alloc(32, 0);
  const m = new HtServer('HT-SHA-256-NONE', (_u, p) => (p.equals(withNul) ? { serverProof: Buffer.alloc(1) } : { condition: 'not-authorized' }));
  assert.equal(m.step(msg('alice', withNul)).type, 'success');
});

test('HT: refusals', () => {
  const ok = () => ({ serverProof: Buffer.alloc(1) });
  const cond = (input: Buffer | null, verify = ok as never) => {
    const step = new HtServer('HT-SHA-256-NONE', verify).step(input);
    return step.type === 'failure' ? step.condition : step.type;
  };
  assert.equal(cond(null), 'malformed-request');
  assert.equal(cond(msg('alice', Buffer.alloc(31))), 'malformed-request');
  assert.equal(cond(msg('', hmac)), 'malformed-request');
  assert.equal(cond(Buffer.from('alice')), 'malformed-request');
  assert.equal(cond(msg('a\u0007b', hmac)), 'not-authorized');
  assert.equal(cond(msg('alice', hmac), (() => ({ condition: 'credentials-expired' })) as never), 'credentials-expired');
});

test('HT: the channel-binding mechanisms are offered only where the connection gives their binding', () => {
  const both = { types: ['tls-exporter', 'tls-server-end-point'] as const, data: () => null };
  assert.deepEqual(offeredHtMechanisms(both), ['HT-SHA-256-EXPR', 'HT-SHA-256-ENDP', 'HT-SHA-256-NONE']);
  assert.deepEqual(offeredHtMechanisms({ types: ['tls-server-end-point'], data: () => null }), ['HT-SHA-256-ENDP', 'HT-SHA-256-NONE']);
  assert.deepEqual(offeredHtMechanisms(undefined), ['HT-SHA-256-NONE']);
  assert.equal(htBinding('HT-SHA-256-EXPR'), 'tls-exporter');
  assert.equal(htBinding('HT-SHA-256-NONE'), null);
  assert.ok(isHtMechanism('HT-SHA-256-ENDP') && !isHtMechanism('HT-SHA-256-UNIQ') && !isHtMechanism('toString'));
});

test('HT: the verifier gets the connection\'s binding data; without it the mechanism cannot run', () => {
  const cb = Buffer.from('binding');
  let got: Buffer | undefined;
  const m = new HtServer('HT-SHA-256-EXPR', (_u, _p, c) => { got = c; return { serverProof: Buffer.alloc(1) }; }, cb);
  assert.equal(m.step(msg('alice', hmac)).type, 'success');
  assert.deepEqual(got, cb);
  const none = new HtServer('HT-SHA-256-EXPR', () => ({ serverProof: Buffer.alloc(1) }), null).step(msg('alice', hmac));
  assert.equal(none.type === 'failure' && none.condition, 'invalid-mechanism');
});
