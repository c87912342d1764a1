import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '../../../test/fixtures/load.js';
import {
  Base64Error,
  decodeAnyBase64,
  decodeBase64,
  decodeUrlSafeBase64,
  encodeUnpaddedBase64,
  encodeUrlSafeBase64,
} from './base64.js';

const vectors = loadFixture<{ cases: { input: string; expected: string }[] }>('matrix-spec/base64.json');

test('unpadded base64: every example of the spec', () => {
  for (const { input, expected } of vectors.cases) {
    assert.equal(encodeUnpaddedBase64(Buffer.from(input, 'utf8')), expected);
    assert.equal(decodeBase64(expected).toString('utf8'), input);
  }
});

test('decoding accepts padded input too', () => {
  assert.equal(decodeBase64('Zg==').toString(), 'f');
  assert.equal(decodeBase64('Zm8=').toString(), 'fo');
});

test('url-safe alphabet uses - and _', () => {
  const bytes = Buffer.from([0xfb, 0xff, 0xbf]);
  assert.equal(encodeUnpaddedBase64(bytes), '+/+/');
  assert.equal(encodeUrlSafeBase64(bytes), '-_-_');
  assert.deepEqual(decodeUrlSafeBase64('-_-_'), bytes);
  assert.deepEqual(decodeAnyBase64('-_-_'), bytes);
  assert.deepEqual(decodeAnyBase64('+/+/'), bytes);
});

test('encodes a view of a larger buffer, not the whole buffer', () => {
  const big = Buffer.from('xxfooxx');
  assert.equal(encodeUnpaddedBase64(big.subarray(2, 5)), 'Zm9v');
});

test('rejects malformed input instead of decoding garbage', () => {
  assert.throws(() => decodeBase64('Zm9v!'), Base64Error);
  assert.throws(() => decodeBase64('-_-_'), Base64Error);
  assert.throws(() => decodeUrlSafeBase64('+/+/'), Base64Error);
  assert.throws(() => decodeBase64('Zm9vY'), Base64Error);
  assert.throws(() => decodeBase64('Zg='), Base64Error);
  assert.throws(() => decodeBase64('Zm 9v'), Base64Error);
});
