import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSigningKey, signJson } from '../../core/events/index.js';
import type { JsonObject } from '../../core/events/types.js';
import { signerKeys, verifiedSignatures } from './signatures.js';

const device = generateSigningKey('DEV');
const ssk = generateSigningKey('x');
const sskKeyId = `ed25519:${ssk.publicKeyBase64}`;
const sskObj = { user_id: '@a:h', usage: ['self_signing'], keys: { [sskKeyId]: ssk.publicKeyBase64 } };
const devKeys = { user_id: '@a:h', device_id: 'DEV', algorithms: [], keys: { 'ed25519:DEV': device.publicKeyBase64 } };
const keys = signerKeys(new Map([['DEV', devKeys]]), new Map<string, JsonObject>([['self_signing', sskObj]]));

test('the signer keys are the device ed25519 keys and the cross-signing public keys', () => {
  assert.equal(keys.get('ed25519:DEV'), device.publicKeyBase64);
  assert.equal(keys.get(sskKeyId), ssk.publicKeyBase64);
});

test('a signature by the self-signing key over the stored device keys is accepted', () => {
  const signed = signJson(devKeys, '@a:h', { ...ssk, keyId: sskKeyId });
  const ok = verifiedSignatures(signed, devKeys, '@a:h', keys);
  assert.deepEqual(ok, { signatures: { '@a:h': { [sskKeyId]: (signed as any).signatures['@a:h'][sskKeyId] } } });
});

test('forged, foreign-key and changed-object signatures are refused', () => {
  const other = generateSigningKey('y');
  const byStranger = signJson(devKeys, '@a:h', { ...other, keyId: sskKeyId });
  assert.equal(typeof verifiedSignatures(byStranger, devKeys, '@a:h', keys), 'string');
  const unknownKey = signJson(devKeys, '@a:h', { ...other, keyId: `ed25519:${other.publicKeyBase64}` });
  assert.equal(typeof verifiedSignatures(unknownKey, devKeys, '@a:h', keys), 'string');
  const changed = signJson({ ...devKeys, algorithms: ['evil'] }, '@a:h', { ...ssk, keyId: sskKeyId });
  assert.match(String(verifiedSignatures(changed, devKeys, '@a:h', keys)), /differs/);
  const otherSigner = signJson(devKeys, '@b:h', { ...ssk, keyId: sskKeyId });
  assert.equal(typeof verifiedSignatures(otherSigner, devKeys, '@a:h', keys), 'string');
});
