import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '../../../test/fixtures/load.js';
import { getRoomVersion } from './room-versions.js';
import {
  formatSigningKeyFile,
  generateSigningKey,
  hashAndSignEvent,
  parseSigningKeyFile,
  signEvent,
  signJson,
  signingKeyFromSeed,
  verifyEventSignature,
  verifyJsonSignature,
} from './signing.js';
import type { JsonObject } from './types.js';

interface KeySpec { seed: string; server_name: string; key_id: string }
interface Vectors { signing_key: KeySpec; room_versions?: string[]; cases: { description: string; input: JsonObject; expected: JsonObject }[] }

const jsonVectors = loadFixture<Vectors>('matrix-spec/json-signing.json');
const eventVectors = loadFixture<Vectors>('matrix-spec/event-signing.json');
const specKey = signingKeyFromSeed(jsonVectors.signing_key.seed, jsonVectors.signing_key.key_id);

test('JSON signing: the spec vectors', () => {
  for (const c of jsonVectors.cases) {
    const signed = signJson(c.input, jsonVectors.signing_key.server_name, specKey);
    assert.deepEqual(signed, c.expected, c.description);
    assert.ok(verifyJsonSignature(signed, 'domain', 'ed25519:1', specKey.publicKeyBase64));
  }
});

test('event signing: the spec vectors (room versions 1-10)', () => {
  for (const version of eventVectors.room_versions!) {
    const rules = getRoomVersion(version)!;
    for (const c of eventVectors.cases) {
      const signed = hashAndSignEvent(c.input, 'domain', specKey, rules);
      assert.deepEqual(signed, c.expected, `${c.description} v${version}`);
      assert.ok(verifyEventSignature(signed, 'domain', 'ed25519:1', specKey.publicKeyBase64, rules));
    }
  }
});

test('v11 strips origin before signing, so the spec vector signature differs there', () => {
  const v11 = getRoomVersion('11')!;
  const c = eventVectors.cases[0];
  const signed = hashAndSignEvent(c.input, 'domain', specKey, v11);
  assert.equal((signed.hashes as JsonObject).sha256, (c.expected.hashes as JsonObject).sha256);
  assert.notDeepEqual(signed.signatures, c.expected.signatures);
});

test('an event signature survives redaction and fails on tampered essentials', () => {
  const rules = getRoomVersion('11')!;
  const c = eventVectors.cases[1];
  const signed = hashAndSignEvent(c.input, 'domain', specKey, rules);
  const bodyChanged = { ...signed, content: { body: 'changed' } };
  assert.ok(verifyEventSignature(bodyChanged, 'domain', 'ed25519:1', specKey.publicKeyBase64, rules));
  const senderChanged = { ...signed, sender: '@evil:domain' };
  assert.equal(verifyEventSignature(senderChanged, 'domain', 'ed25519:1', specKey.publicKeyBase64, rules), false);
});

test('signatures merge: a second server keeps the first signature', () => {
  const other = generateSigningKey('b');
  const once = signJson({ a: 1, unsigned: { age: 5 } }, 'domain', specKey);
  const twice = signJson(once, 'other.example', other) as JsonObject;
  assert.deepEqual(Object.keys(twice.signatures as JsonObject).sort(), ['domain', 'other.example']);
  assert.deepEqual(twice.unsigned, { age: 5 });
  assert.ok(verifyJsonSignature(twice, 'domain', 'ed25519:1', specKey.publicKeyBase64));
  assert.ok(verifyJsonSignature(twice, 'other.example', 'ed25519:b', other.publicKeyBase64));
});

test('verification fails for a missing or wrong key, bad base64, or modified data', () => {
  const signed = signJson({ a: 1 }, 'domain', specKey);
  const pub = specKey.publicKeyBase64;
  assert.equal(verifyJsonSignature(signed, 'nobody', 'ed25519:1', pub), false);
  assert.equal(verifyJsonSignature(signed, 'domain', 'ed25519:2', pub), false);
  assert.equal(verifyJsonSignature({ ...signed, a: 2 }, 'domain', 'ed25519:1', pub), false);
  assert.equal(verifyJsonSignature(signed, 'domain', 'ed25519:1', generateSigningKey().publicKeyBase64), false);
  const bad = { ...signed, signatures: { domain: { 'ed25519:1': '!!!' } } };
  assert.equal(verifyJsonSignature(bad, 'domain', 'ed25519:1', pub), false);
  assert.equal(verifyJsonSignature(signed, 'domain', 'ed25519:1', 'short'), false);
});

test('signEvent leaves hashes alone and adds only signatures', () => {
  const rules = getRoomVersion('11')!;
  const event = { type: 'X', content: {}, hashes: { sha256: 'abc' }, signatures: {} };
  const signed = signEvent(event, 'domain', specKey, rules);
  assert.deepEqual(signed.hashes, { sha256: 'abc' });
  assert.ok(verifyEventSignature(signed, 'domain', 'ed25519:1', specKey.publicKeyBase64, rules));
});

test('reads and writes Synapse key files', () => {
  const [key] = parseSigningKeyFile('ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1\n');
  assert.equal(key.keyId, 'ed25519:1');
  assert.equal(key.publicKeyBase64, specKey.publicKeyBase64);
  // The spec's seed has stray bits in its last character; written back it is canonical.
  const file = 'ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0\n';
  assert.equal(formatSigningKeyFile(key), file);
  assert.equal(formatSigningKeyFile([key, key]), file + file);
  const [again] = parseSigningKeyFile(`\n  ${file}\r\n`);
  assert.deepEqual(again.seed, key.seed);
});

test('generated keys sign and verify, and write a loadable key file', () => {
  const key = generateSigningKey();
  assert.match(key.keyId, /^ed25519:a_[A-Za-z0-9]{4}$/);
  const [loaded] = parseSigningKeyFile(formatSigningKeyFile(key));
  assert.equal(loaded.publicKeyBase64, key.publicKeyBase64);
  const signed = signJson({ x: 'y' }, 'hearth.example', loaded);
  assert.ok(verifyJsonSignature(signed, 'hearth.example', key.keyId, key.publicKeyBase64));
});

test('bad key material is refused', () => {
  assert.throws(() => signingKeyFromSeed('Zm9v', 'ed25519:1'));
  assert.throws(() => signingKeyFromSeed(specKey.seed.toString('base64'), 'rsa:1'));
  assert.throws(() => parseSigningKeyFile('ed25519 1'));
});
