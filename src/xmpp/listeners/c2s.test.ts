import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback, parseListen, startC2sListeners } from './c2s.js';

test('listen address parsing', () => {
  assert.deepEqual(parseListen('127.0.0.1:5222'), { host: '127.0.0.1', port: 5222 });
  assert.deepEqual(parseListen('[::1]:5223'), { host: '::1', port: 5223 });
  assert.deepEqual(parseListen(':5222'), { host: '0.0.0.0', port: 5222 });
  assert.deepEqual(parseListen('localhost:0'), { host: 'localhost', port: 0 });
  for (const bad of ['5222', 'host:', 'a:b', '1.2.3.4:99999', '::1:5222']) assert.throws(() => parseListen(bad), /bad listen address/, bad);
});

test('loopback detection', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', 'example.org', '128.0.0.1']) assert.ok(!isLoopback(h), h);
});

test('allowInsecureAuth is refused on a non-loopback listener, before anything listens', async () => {
  const base = {
    domain: 'localhost', tls: { key: '', cert: '' }, allowInsecureAuth: true, maxStanzaSize: 1000,
    auth: { scramCredential: () => null },
    host: { bind: () => 'conflict' as const, stanza: () => undefined, closed: () => undefined },
    logger: { debug() {}, info() {}, warn() {} },
  };
  await assert.rejects(startC2sListeners({ ...base, starttlsListen: '0.0.0.0:0' }), /allowInsecureAuth/);
  await assert.rejects(startC2sListeners({ ...base, starttlsListen: '127.0.0.1:0', tlsListen: '0.0.0.0:0' }), /allowInsecureAuth/);
  await assert.rejects(startC2sListeners({ ...base, allowInsecureAuth: false }), /no client listener/);
});
