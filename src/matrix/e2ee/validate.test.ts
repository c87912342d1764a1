import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MatrixError } from '../errors.js';
import { betterSession } from './backup.js';
import { crossSigningPublicKey, isKeyId, mergeSignatures, parseCrossSigningKey, parseDeviceKeys, parseKeyUploads } from './validate.js';

const errcode = (fn: () => unknown) => {
  try { fn(); } catch (e) { return (e as MatrixError).errcode; }
  return 'none';
};

const dk = { user_id: '@a:h', device_id: 'D', algorithms: ['m.megolm.v1.aes-sha2'], keys: { 'ed25519:D': 'k' }, signatures: { '@a:h': { 'ed25519:D': 's' } } };

test('key ids need an algorithm and an id', () => {
  assert.equal(isKeyId('ed25519:D'), true);
  for (const bad of ['ed25519', ':D', 'ed25519:', '']) assert.equal(isKeyId(bad), false, bad);
});

test('device keys must be the uploader\'s own and well formed', () => {
  assert.deepEqual(parseDeviceKeys(dk, '@a:h', 'D'), dk);
  assert.equal(errcode(() => parseDeviceKeys(dk, '@b:h', 'D')), 'M_INVALID_PARAM');
  assert.equal(errcode(() => parseDeviceKeys(dk, '@a:h', 'E')), 'M_INVALID_PARAM');
  assert.equal(errcode(() => parseDeviceKeys({ ...dk, algorithms: 'x' }, '@a:h', 'D')), 'M_BAD_JSON');
  assert.equal(errcode(() => parseDeviceKeys({ ...dk, keys: { 'ed25519:D': 1 } }, '@a:h', 'D')), 'M_BAD_JSON');
  assert.equal(errcode(() => parseDeviceKeys({ ...dk, signatures: { '@a:h': { bad: 's' } } }, '@a:h', 'D')), 'M_BAD_JSON');
  assert.equal(errcode(() => parseDeviceKeys({ ...dk, signatures: undefined }, '@a:h', 'D')), 'M_BAD_JSON');
  assert.equal(errcode(() => parseDeviceKeys([], '@a:h', 'D')), 'M_BAD_JSON');
});

test('one-time keys are strings or signed objects under algorithm:id', () => {
  assert.deepEqual(parseKeyUploads(undefined, 'x'), []);
  const keys = parseKeyUploads({ 'curve25519:A': 'k', 'signed_curve25519:B': { key: 'k2', signatures: {} } }, 'x');
  assert.deepEqual(keys.map((k) => k.keyId), ['curve25519:A', 'signed_curve25519:B']);
  assert.equal(errcode(() => parseKeyUploads({ A: 'k' }, 'x')), 'M_BAD_JSON');
  assert.equal(errcode(() => parseKeyUploads({ 'c:A': { nokey: 1 } }, 'x')), 'M_BAD_JSON');
  assert.equal(errcode(() => parseKeyUploads('k', 'x')), 'M_BAD_JSON');
});

test('cross-signing keys hold one key of the right usage for the right user', () => {
  const mk = { user_id: '@a:h', usage: ['master'], keys: { 'ed25519:pub': 'pub' } };
  assert.equal(crossSigningPublicKey(parseCrossSigningKey(mk, '@a:h', 'master')), 'pub');
  assert.equal(errcode(() => parseCrossSigningKey(mk, '@b:h', 'master')), 'M_INVALID_PARAM');
  assert.equal(errcode(() => parseCrossSigningKey(mk, '@a:h', 'self_signing')), 'M_INVALID_PARAM');
  assert.equal(errcode(() => parseCrossSigningKey({ ...mk, keys: { 'ed25519:a': 'a', 'ed25519:b': 'b' } }, '@a:h', 'master')), 'M_INVALID_PARAM');
});

test('signatures merge per user without losing the old ones', () => {
  const merged = mergeSignatures({ a: 1, signatures: { '@a:h': { 'ed25519:D': 's1' } } }, { signatures: { '@a:h': { 'ed25519:M': 's2' }, '@b:h': { 'ed25519:X': 's3' } } });
  assert.deepEqual(merged, { a: 1, signatures: { '@a:h': { 'ed25519:D': 's1', 'ed25519:M': 's2' }, '@b:h': { 'ed25519:X': 's3' } } });
});

test('a backed-up session is replaced only by a better copy', () => {
  const s = (v: boolean, i: number, f: number) => ({ is_verified: v, first_message_index: i, forwarded_count: f, session_data: {} });
  assert.equal(betterSession(s(true, 9, 9), s(false, 0, 0)), true);
  assert.equal(betterSession(s(false, 0, 0), s(true, 9, 9)), false);
  assert.equal(betterSession(s(false, 1, 9), s(false, 2, 0)), true);
  assert.equal(betterSession(s(false, 2, 0), s(false, 1, 9)), false);
  assert.equal(betterSession(s(false, 1, 0), s(false, 1, 1)), true);
  assert.equal(betterSession(s(false, 1, 1), s(false, 1, 1)), false);
});
