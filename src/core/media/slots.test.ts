import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SlotSigner, type SlotClaims } from './slots.js';
import { isValidMediaId, newMediaId, parseMxc } from './ids.js';

const claims: SlotClaims = { mediaId: 'abcDEF123', user: '@alice:example.org', size: 10, contentType: 'image/png', exp: 2000 };

test('a signed slot token verifies and gives its claims back', () => {
  const s = new SlotSigner(randomBytes(32));
  assert.deepEqual(s.verify(s.sign(claims), 1000), claims);
});

test('an expired, altered, foreign or malformed token is refused', () => {
  const s = new SlotSigner(randomBytes(32));
  const token = s.sign(claims);
  assert.equal(s.verify(token, 2001), null);
  const [payload, sig] = token.split('.');
  const other = Buffer.from(JSON.stringify({ ...claims, size: 1e9 })).toString('base64url');
  assert.equal(s.verify(`${other}.${sig}`, 1000), null);
  assert.equal(s.verify(`${payload}.${sig.slice(1)}`, 1000), null);
  assert.equal(new SlotSigner(randomBytes(32)).verify(token, 1000), null);
  for (const bad of ['', '.', 'abc', '.abc', 'a.b.c', '%%%.%%%']) assert.equal(s.verify(bad, 1000), null);
});

test('a well-signed token with claims of the wrong shape is refused', () => {
  const key = randomBytes(32);
  const s = new SlotSigner(key);
  const forged = s.sign({ ...claims, size: 'big' } as unknown as SlotClaims);
  assert.equal(s.verify(forged, 1000), null);
});

test('file signatures are per media id and per key', () => {
  const s = new SlotSigner(randomBytes(32));
  const sig = s.fileSignature('abc');
  assert.equal(sig.length, 22);
  assert.ok(s.checkFileSignature('abc', sig));
  assert.ok(!s.checkFileSignature('abd', sig));
  assert.ok(!s.checkFileSignature('abc', sig.slice(1)));
  assert.ok(!new SlotSigner(randomBytes(32)).checkFileSignature('abc', sig));
});

test('media ids are random, valid, and mxc URIs parse safely', () => {
  const a = newMediaId();
  assert.equal(a.length, 24);
  assert.ok(isValidMediaId(a));
  assert.notEqual(a, newMediaId());
  assert.deepEqual(parseMxc(`mxc://example.org/${a}`), { serverName: 'example.org', mediaId: a });
  for (const bad of ['mxc://example.org/../x', 'mxc://example.org/a/b', 'http://x/y', 'mxc://example.org/', 'mxc://e/a%2F']) {
    assert.equal(parseMxc(bad), null, bad);
  }
});
