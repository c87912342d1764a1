// Checking an uploaded signature (spec cross_signing.yaml, POST /keys/signatures/upload) before it
// is merged into a stored key: it must be the uploader's own, over exactly the stored object,
// and verify with one of the uploader's keys (a device key or a cross-signing key).
import { canonicalJson, verifyJsonSignature } from '../../core/events/index.js';
import type { JsonObject } from '../../core/events/types.js';
import { isObject } from '../http/validate.js';
import { crossSigningPublicKey } from './validate.js';

/** The signer's public keys by key id (`ed25519:DEVICE` or `ed25519:<cross-signing public key>`). */
export function signerKeys(deviceKeys: Map<string, JsonObject>, crossSigning: Map<string, JsonObject>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [deviceId, dk] of deviceKeys) {
    const k = isObject(dk.keys) ? dk.keys[`ed25519:${deviceId}`] : undefined;
    if (typeof k === 'string') out.set(`ed25519:${deviceId}`, k);
  }
  for (const key of crossSigning.values()) {
    const pub = crossSigningPublicKey(key);
    if (pub) out.set(`ed25519:${pub}`, pub);
  }
  return out;
}

function unsignedForm(o: JsonObject): string {
  const { signatures: _s, unsigned: _u, ...rest } = o;
  return canonicalJson(rest);
}

/**
 * The signatures of `signer` in `uploaded` that verify with the signer's keys, as a
 * `{ signer: { keyId: sig } }` map ready to merge; null with a reason when there is none or the
 * uploaded object is not the stored one.
 */
export function verifiedSignatures(uploaded: JsonObject, stored: JsonObject, signer: string, keys: Map<string, string>): JsonObject | string {
  if (unsignedForm(uploaded) !== unsignedForm(stored)) return 'The signed object differs from the stored key';
  const sigs = isObject(uploaded.signatures) ? uploaded.signatures[signer] : undefined;
  if (!isObject(sigs)) return `No signature of ${signer}`;
  const good: Record<string, string> = {};
  for (const [keyId, sig] of Object.entries(sigs)) {
    const pub = keys.get(keyId);
    if (pub && typeof sig === 'string' && verifyJsonSignature(uploaded, signer, keyId, pub)) good[keyId] = sig;
  }
  if (Object.keys(good).length === 0) return `No signature of ${signer} verifies with their keys`;
  return { signatures: { [signer]: good } };
}
