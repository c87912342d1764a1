import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '../../../test/fixtures/load.js';
import { encodeUnpaddedBase64 } from './base64.js';
import { addContentHash, checkContentHash, contentHash, eventIdFor, referenceHash } from './hashes.js';
import { redactEvent } from './redaction.js';
import { getRoomVersion } from './room-versions.js';
import { hashAndSignEvent, signingKeyFromSeed } from './signing.js';
import type { JsonObject } from './types.js';

interface Derived {
  signing_key: { seed: string; server_name: string; key_id: string };
  cases: {
    description: string;
    input: JsonObject;
    redacted: JsonObject;
    content_hash: string;
    reference_hash_base64: string;
    event_id: string;
    signed: JsonObject;
  }[];
}
const derived = loadFixture<Derived>('matrix-spec/derived-v11-events.json');
const specSigning = loadFixture<{ cases: { input: JsonObject; expected: JsonObject }[] }>('matrix-spec/event-signing.json');
const v11 = getRoomVersion('11')!;

test('content hashes of the spec event-signing vectors', () => {
  for (const c of specSigning.cases) {
    assert.equal(contentHash(c.input), (c.expected.hashes as JsonObject).sha256);
    assert.ok(checkContentHash(c.expected));
  }
});

test('v11 cross-check against the independent Python derivation', () => {
  const key = signingKeyFromSeed(derived.signing_key.seed, derived.signing_key.key_id);
  for (const c of derived.cases) {
    const signed = hashAndSignEvent(c.input, 'domain', key, v11);
    assert.equal(contentHash(c.input), c.content_hash, c.description);
    assert.deepEqual(signed, c.signed, c.description);
    assert.deepEqual(redactEvent(signed, v11), c.redacted, c.description);
    assert.equal(encodeUnpaddedBase64(referenceHash(signed, v11)), c.reference_hash_base64, c.description);
    assert.equal(eventIdFor(signed, v11), c.event_id, c.description);
  }
});

test('the event id ignores signatures, unsigned and redactable content', () => {
  const c = derived.cases.find((x) => x.description === 'm.room.message')!;
  const changed = { ...c.signed, signatures: {}, unsigned: { age: 1 }, content: { body: 'other' } };
  assert.equal(eventIdFor(changed, v11), c.event_id);
  assert.notEqual(eventIdFor({ ...c.signed, depth: 99 }, v11), c.event_id);
});

test('event id formats per room version', () => {
  const c = derived.cases[2];
  const v3 = getRoomVersion('3')!;
  const v4 = getRoomVersion('4')!;
  assert.match(eventIdFor(c.signed, v3), /^\$[A-Za-z0-9+/]{43}$/);
  assert.match(eventIdFor(c.signed, v4), /^\$[A-Za-z0-9_-]{43}$/);
  const v1 = getRoomVersion('1')!;
  assert.equal(eventIdFor({ ...c.signed, event_id: '$abc:domain' }, v1), '$abc:domain');
  assert.throws(() => eventIdFor(c.signed, v1));
});

test('checkContentHash detects changes, redaction and junk', () => {
  const hashed = addContentHash({ type: 'm.room.message', content: { body: 'hi' }, signatures: {}, unsigned: { a: 1 } });
  assert.ok(checkContentHash(hashed));
  assert.ok(checkContentHash({ ...hashed, unsigned: { b: 2 }, signatures: { x: {} } }));
  assert.equal(checkContentHash({ ...hashed, content: {} }), false);
  assert.equal(checkContentHash({ ...hashed, hashes: { sha256: 'not base64!' } }), false);
  assert.equal(checkContentHash({ ...hashed, hashes: {} }), false);
  assert.equal(checkContentHash({ type: 'x' }), false);
});

test('addContentHash keeps other hash algorithms and does not mutate', () => {
  const event = { type: 'x', content: {}, hashes: { sha512: 'keep' } };
  const hashed = addContentHash(event);
  assert.deepEqual(event.hashes, { sha512: 'keep' });
  assert.equal((hashed.hashes as JsonObject).sha512, 'keep');
  assert.equal(typeof (hashed.hashes as JsonObject).sha256, 'string');
});

test('old room versions hash events holding floats; strict versions refuse them', () => {
  const event = { type: 'm.room.power_levels', content: { users: { '@a:b': 50.5 } }, state_key: '' };
  assert.doesNotThrow(() => contentHash(event, getRoomVersion('5')));
  assert.throws(() => contentHash(event, getRoomVersion('6')));
});
