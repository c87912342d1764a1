import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCredential, type ScramCredential } from '../../core/accounts/scram.js';
import { PlainServer } from './plain.js';
import { createMechanism, offeredMechanisms, refuseMechanism } from './mechanisms.js';
import type { SaslContext } from './types.js';

async function ctx(): Promise<SaslContext> {
  const creds: Record<string, ScramCredential> = {
    alice: await makeCredential('sha256', 'secret', 4096),
    old: await makeCredential('sha1', 'legacy', 4096),
  };
  return { domain: 'example.org', credential: (u, h) => (creds[u]?.hash === h ? creds[u]! : null) };
}

const plain = (s: string) => Buffer.from(s);
const cond = (step: ReturnType<PlainServer['step']>) => (step.type === 'failure' ? step.condition : step.type);

test('PLAIN success, with and without authzid', async () => {
  const c = await ctx();
  assert.deepEqual(new PlainServer(c).step(plain('\0alice\0secret')), { type: 'success', username: 'alice' });
  assert.equal(cond(new PlainServer(c).step(plain('alice@example.org\0Alice\0secret'))), 'success');
  assert.equal(cond(new PlainServer(c).step(plain('\0old\0legacy'))), 'success');
});

test('PLAIN failures', async () => {
  const c = await ctx();
  assert.equal(cond(new PlainServer(c).step(plain('\0alice\0wrong'))), 'not-authorized');
  assert.equal(cond(new PlainServer(c).step(plain('\0nobody\0secret'))), 'not-authorized');
  assert.equal(cond(new PlainServer(c).step(plain('bob@example.org\0alice\0secret'))), 'invalid-authzid');
  assert.equal(cond(new PlainServer(c).step(plain('alice@example.org/res\0alice\0secret'))), 'invalid-authzid');
  assert.equal(cond(new PlainServer(c).step(plain('alice\0secret'))), 'malformed-request');
  assert.equal(cond(new PlainServer(c).step(plain('\0\0secret'))), 'malformed-request');
  assert.equal(cond(new PlainServer(c).step(plain('\0alice\0' + 'x'.repeat(300)))), 'malformed-request');
  assert.equal(cond(new PlainServer(c).step(Buffer.from([0, 0x61, 0, 0xff]))), 'malformed-request');
  const once = new PlainServer(c);
  once.step(plain('\0alice\0wrong'));
  assert.equal(cond(once.step(plain('\0alice\0secret'))), 'malformed-request');
});

test('PLAIN without initial response asks for it', async () => {
  const s = new PlainServer(await ctx());
  assert.equal(cond(s.step(null)), 'challenge');
  assert.equal(cond(s.step(plain('\0alice\0secret'))), 'success');
});

test('mechanism offer depends on TLS', () => {
  assert.deepEqual(offeredMechanisms({ tls: false, allowPlaintext: false }), ['SCRAM-SHA-256', 'SCRAM-SHA-1']);
  assert.deepEqual(offeredMechanisms({ tls: true, allowPlaintext: false }), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
  assert.deepEqual(offeredMechanisms({ tls: false, allowPlaintext: true }), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
  assert.equal(refuseMechanism('PLAIN', { tls: false, allowPlaintext: false }), 'encryption-required');
  assert.equal(refuseMechanism('DIGEST-MD5', { tls: true, allowPlaintext: false }), 'invalid-mechanism');
  assert.equal(refuseMechanism('SCRAM-SHA-1-PLUS', { tls: true, allowPlaintext: false }), 'invalid-mechanism');
  assert.equal(refuseMechanism('SCRAM-SHA-256', { tls: false, allowPlaintext: false }), null);
  assert.equal(createMechanism('SCRAM-SHA-1', { domain: 'x', credential: () => null })?.name, 'SCRAM-SHA-1');
  assert.equal(createMechanism('X', { domain: 'x', credential: () => null }), null);
});
