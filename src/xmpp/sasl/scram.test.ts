import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { keysFromSaltedPassword, makeCredential, type ScramCredential, type ScramHash } from '../../core/accounts/scram.js';
import { ScramServer, decodeSaslName, parseClientFirst } from './scram.js';
import type { SaslContext, SaslStep } from './types.js';
import { ScramClient } from '../../../test/integration/xmpp-support/scram-client.js';

function credentialFrom(hash: ScramHash, password: string, saltB64: string, iterations: number): ScramCredential {
  const salt = Buffer.from(saltB64, 'base64');
  const salted = pbkdf2Sync(password, salt, iterations, hash === 'sha1' ? 20 : 32, hash);
  return { hash, salt, iterations, ...keysFromSaltedPassword(hash, salted) };
}

function ctxWith(creds: Partial<Record<string, ScramCredential>>): SaslContext {
  return { domain: 'example.org', credential: (u, h) => (creds[u]?.hash === h ? creds[u]! : null) };
}

function data(step: SaslStep): string {
  assert.ok(step.type === 'challenge' || step.type === 'success', `expected data, got ${JSON.stringify(step)}`);
  return step.data?.toString() ?? '';
}

const b = (s: string) => Buffer.from(s);

test('RFC 7677 §3 test vector (SCRAM-SHA-256)', () => {
  const cred = credentialFrom('sha256', 'pencil', 'W22ZaJ0SNY7soEsUEjb6gQ==', 4096);
  const server = new ScramServer('SCRAM-SHA-256', ctxWith({ user: cred }), { serverNonce: () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0' });
  const first = server.step(b('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
  assert.equal(data(first), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  const final = server.step(b('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
  assert.equal(final.type, 'success');
  assert.equal(data(final), 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  assert.equal(final.type === 'success' && final.username, 'user');
});

test('RFC 5802 §5 test vector (SCRAM-SHA-1)', () => {
  const cred = credentialFrom('sha1', 'pencil', 'QSXCR+Q6sek8bf92', 4096);
  const server = new ScramServer('SCRAM-SHA-1', ctxWith({ user: cred }), { serverNonce: () => '3rfcNHYJY1ZVvWVs7j' });
  assert.equal(data(server.step(b('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL'))), 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
  const final = server.step(b('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts='));
  assert.equal(data(final), 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=');
});

for (const [mech, hash] of [['SCRAM-SHA-256', 'sha256'], ['SCRAM-SHA-1', 'sha1']] as const) {
  test(`full ${mech} exchange with a credential from makeCredential`, async () => {
    const cred = await makeCredential(hash, 'correct horse', 4096);
    const ctx = ctxWith({ alice: cred });
    const client = new ScramClient(hash, 'Alice', 'correct horse', undefined, 'y,,');
    const server = new ScramServer(mech, ctx);
    const final = server.step(b(client.final(data(server.step(b(client.first()))))));
    assert.equal(final.type, 'success');
    assert.equal(final.type === 'success' && final.username, 'alice');
    assert.ok(client.verify(data(final)));

    const wrong = new ScramClient(hash, 'alice', 'wrong');
    const s2 = new ScramServer(mech, ctx);
    assert.deepEqual(s2.step(b(wrong.final(data(s2.step(b(wrong.first())))))), { type: 'failure', condition: 'not-authorized', text: undefined });
  });
}

test('unknown user gets a stable fake salt and fails only at the proof', () => {
  const ctx = ctxWith({});
  const s1 = new ScramServer('SCRAM-SHA-256', ctx);
  const s2 = new ScramServer('SCRAM-SHA-256', ctx);
  const c = new ScramClient('sha256', 'nobody', 'x');
  const f1 = data(s1.step(b(c.first())));
  const f2 = data(s2.step(b(c.first())));
  assert.equal(f1.split(',')[1], f2.split(',')[1]);
  assert.equal(s1.step(b(c.final(f1))).type, 'failure');
});

test('no initial response: empty challenge first', async () => {
  const cred = await makeCredential('sha256', 'pw', 4096);
  const server = new ScramServer('SCRAM-SHA-256', ctxWith({ bob: cred }));
  const c = new ScramClient('sha256', 'bob', 'pw');
  assert.deepEqual(server.step(null), { type: 'challenge', data: Buffer.alloc(0) });
  assert.equal(server.step(b(c.final(data(server.step(b(c.first())))))).type, 'success');
});

test('malformed and refused client-first messages', () => {
  const fail = (msg: string) => {
    const step = new ScramServer('SCRAM-SHA-256', ctxWith({})).step(b(msg));
    return step.type === 'failure' ? step.condition : step.type;
  };
  assert.equal(fail('p=tls-unique,,n=user,r=abc'), 'not-authorized');
  assert.equal(fail('x,,n=user,r=abc'), 'malformed-request');
  assert.equal(fail('n,,n=user'), 'malformed-request');
  assert.equal(fail('n,,m=ext,n=user,r=abc'), 'malformed-request');
  assert.equal(fail('n,,n=us=er,r=abc'), 'malformed-request');
  assert.equal(fail('n,,n=,r=abc'), 'malformed-request');
  assert.equal(fail('n,,n=user,r='), 'malformed-request');
  assert.equal(fail('n,,n=user,x=abc'), 'malformed-request');
  assert.equal(fail('n,a=other@example.org,n=user,r=abc'), 'invalid-authzid');
  assert.equal(fail('n,a=user@example.org,n=user,r=abc'), 'challenge');
  assert.equal(fail('n,,n=us er,r=abc'), 'not-authorized');
  const bad = new ScramServer('SCRAM-SHA-256', ctxWith({})).step(Buffer.from([0xff, 0xfe]));
  assert.equal(bad.type === 'failure' && bad.condition, 'malformed-request');
});

test('malformed client-final messages and replays', async () => {
  const cred = await makeCredential('sha256', 'pw', 4096);
  const start = () => {
    const server = new ScramServer('SCRAM-SHA-256', ctxWith({ bob: cred }));
    const c = new ScramClient('sha256', 'bob', 'pw', 'clientnonce');
    const sf = data(server.step(b(c.first())));
    return { server, c, sf, nonce: sf.split(',')[0]!.slice(2) };
  };
  const cond = (s: SaslStep) => (s.type === 'failure' ? s.condition : s.type);
  let t = start();
  assert.equal(cond(t.server.step(b(`c=biws,r=${t.nonce}`))), 'malformed-request');
  t = start();
  assert.equal(cond(t.server.step(b(`c=biws,r=${t.nonce},p=!!!`))), 'malformed-request');
  t = start();
  assert.equal(cond(t.server.step(b(`c=biws,r=${t.nonce}x,p=AAAA`))), 'not-authorized');
  t = start();
  assert.equal(cond(t.server.step(b(`c=eSws,r=${t.nonce},p=AAAA`))), 'not-authorized'); // 'y,,' ≠ 'n,,'
  t = start();
  const ok = t.server.step(b(t.c.final(t.sf)));
  assert.equal(ok.type, 'success');
  assert.equal(cond(t.server.step(b('anything'))), 'malformed-request');
});

test('saslname decoding', () => {
  assert.equal(decodeSaslName('a=2Cb=3Dc'), 'a,b=c');
  assert.equal(decodeSaslName('a=2'), null);
  assert.equal(decodeSaslName('a=41'), null);
  const p = parseClientFirst('n,,n=a=2Cb,r=xyz,e=ext');
  assert.ok(!('error' in p) && p.username === 'a,b' && p.bare === 'n=a=2Cb,r=xyz,e=ext');
});
