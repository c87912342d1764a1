import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Jid } from '../jid.js';
import { componentAddressingError, handshakeDigest, handshakeMatches } from './handshake.js';

test('handshake: hex SHA-1 of stream id and secret (XEP-0114 example 3)', () => {
  // The XEP's example 3: stream id 3BF96D32, and the digest its secret ("test") gives.
  const digest = 'aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e';
  assert.equal(handshakeDigest('3BF96D32', 'test'), digest);
  assert.ok(handshakeMatches('3BF96D32', 'test', digest));
  assert.ok(handshakeMatches('3BF96D32', 'test', ` ${digest.toUpperCase()}\n`), 'upper case and white space');
  assert.ok(!handshakeMatches('3BF96D32', 'tests', digest));
  assert.ok(!handshakeMatches('3BF96D32', 'test', ''));
  assert.ok(!handshakeMatches('3BF96D32', 'test', digest.slice(0, 8)));
});

test('handshake: a component may only speak for its own domain, to someone', () => {
  const d = 'gw.example.org';
  assert.equal(componentAddressingError(d, Jid.parse('gw.example.org'), 'gw.example.org', 'a@example.org'), null);
  assert.equal(componentAddressingError(d, Jid.parse('bob@gw.example.org/x'), 'bob@gw.example.org/x', 'a@example.org'), null);
  assert.equal(componentAddressingError(d, null, undefined, 'a@example.org')?.condition, 'improper-addressing');
  assert.equal(componentAddressingError(d, Jid.parse('gw.example.org'), 'gw.example.org', undefined)?.condition, 'improper-addressing');
  assert.equal(componentAddressingError(d, Jid.parse('alice@example.org'), 'alice@example.org', 'b@example.org')?.condition, 'invalid-from');
  assert.equal(componentAddressingError(d, Jid.parse('x.gw.example.org'), 'x.gw.example.org', 'b@example.org')?.condition, 'invalid-from');
  assert.equal(componentAddressingError(d, null, '@@', 'b@example.org')?.condition, 'invalid-from');
});
