// Shape checks for uploaded key material (spec keys.yaml, cross_signing.yaml). Pure functions:
// each returns the parsed value or throws the M_* error the client should see. The server does
// not need to understand the keys, but it must refuse keys that claim another user or device and
// objects that clients would choke on when they download them.
import type { JsonObject } from '../../core/events/types.js';
import type { StoredKey } from '../../core/ports.js';
import { badJson, invalidParam } from '../errors.js';
import { isObject } from '../http/validate.js';

/** `algorithm:key_id`, both parts non-empty. */
export function isKeyId(s: string): boolean {
  const i = s.indexOf(':');
  return i > 0 && i < s.length - 1;
}

function checkSignatures(v: unknown, what: string): void {
  if (v === undefined) return;
  if (!isObject(v)) throw badJson(`${what}.signatures must be an object`);
  for (const [user, sigs] of Object.entries(v)) {
    if (!isObject(sigs)) throw badJson(`${what}.signatures.${user} must be an object`);
    for (const [id, sig] of Object.entries(sigs)) {
      if (!isKeyId(id) || typeof sig !== 'string') throw badJson(`${what}.signatures.${user} has a bad signature '${id}'`);
    }
  }
}

function checkKeyMap(v: unknown, what: string): Record<string, string> {
  if (!isObject(v)) throw badJson(`${what}.keys must be an object`);
  for (const [id, key] of Object.entries(v)) {
    if (!isKeyId(id) || typeof key !== 'string') throw badJson(`${what}.keys has a bad key '${id}'`);
  }
  return v as Record<string, string>;
}

/** A device's identity keys; they must name the uploading user and device. */
export function parseDeviceKeys(v: unknown, userId: string, deviceId: string): JsonObject {
  if (!isObject(v)) throw badJson('device_keys must be an object');
  if (v.user_id !== userId) throw invalidParam(`device_keys.user_id must be ${userId}`);
  if (v.device_id !== deviceId) throw invalidParam(`device_keys.device_id must be ${deviceId}`);
  if (!Array.isArray(v.algorithms) || !v.algorithms.every((a) => typeof a === 'string')) {
    throw badJson('device_keys.algorithms must be an array of strings');
  }
  checkKeyMap(v.keys, 'device_keys');
  if (!isObject(v.signatures)) throw badJson('device_keys.signatures must be an object');
  checkSignatures(v.signatures, 'device_keys');
  return v;
}

/** One-time or fallback keys: `algorithm:id` to a key string or a signed key object. */
export function parseKeyUploads(v: unknown, what: string): StoredKey[] {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) throw badJson(`${what} must be an object`);
  return Object.entries(v).map(([keyId, key]) => {
    if (!isKeyId(keyId)) throw badJson(`${what} has a bad key id '${keyId}'`);
    if (typeof key === 'string') return { keyId, key: key as unknown as JsonObject };
    if (!isObject(key) || typeof key.key !== 'string') throw badJson(`${what}.${keyId} must be a string or an object with 'key'`);
    checkSignatures(key.signatures, `${what}.${keyId}`);
    return { keyId, key };
  });
}

export type CrossSigningUsage = 'master' | 'self_signing' | 'user_signing';

/** A cross-signing key: for this user, with exactly the expected usage, and one ed25519 key. */
export function parseCrossSigningKey(v: unknown, userId: string, usage: CrossSigningUsage): JsonObject {
  const what = `${usage}_key`;
  if (!isObject(v)) throw badJson(`${what} must be an object`);
  if (v.user_id !== userId) throw invalidParam(`${what}.user_id must be ${userId}`);
  if (!Array.isArray(v.usage) || !v.usage.includes(usage)) throw invalidParam(`${what}.usage must include '${usage}'`);
  const keys = checkKeyMap(v.keys, what);
  if (Object.keys(keys).length !== 1) throw invalidParam(`${what}.keys must hold exactly one key`);
  checkSignatures(v.signatures, what);
  return v;
}

/** The public key of a cross-signing key (the part after `ed25519:`). */
export function crossSigningPublicKey(key: JsonObject): string | null {
  const keys = key.keys;
  if (!isObject(keys)) return null;
  const v = Object.values(keys)[0];
  return typeof v === 'string' ? v : null;
}

/** Merges the signatures of `from` into `into` (a new object; other fields of `into` stay). */
export function mergeSignatures(into: JsonObject, from: JsonObject): JsonObject {
  const out: Record<string, Record<string, unknown>> = {};
  for (const src of [into.signatures, from.signatures]) {
    if (!isObject(src)) continue;
    for (const [user, sigs] of Object.entries(src)) if (isObject(sigs)) out[user] = { ...out[user], ...sigs };
  }
  return { ...into, signatures: out as JsonObject };
}
