// Ed25519 signing of JSON and of events (spec appendices, "Signing JSON"; server-server API,
// "Signing Events"), and the server key file in Synapse's format so keys can move between them.

import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64, encodeUnpaddedBase64 } from './base64.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { addContentHash } from './hashes.js';
import { redactEvent } from './redaction.js';
import { wireEvent } from './wire.js';
import type { RoomVersionRules } from './room-versions.js';
import type { JsonObject, Pdu } from './types.js';

export interface SigningKey {
  /** `ed25519:<version>`, as it appears in `signatures` and key queries. */
  keyId: string;
  /** The 32-byte seed: the secret, as stored in the key file. */
  seed: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as unpadded Base64, as published by /_matrix/key/v2/server. */
  publicKeyBase64: string;
}

// DER prefixes that wrap a raw 32-byte Ed25519 seed / public key (RFC 8410), so node:crypto
// can import the bare bytes Matrix uses.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_VERSION = /^[a-zA-Z0-9_]+$/;

/** A fresh key with a Synapse-style version (`a_` and four random characters). */
export function generateSigningKey(version?: string): SigningKey {
  const v = version ?? `a_${randomAlphanumeric(4)}`;
  return signingKeyFromSeed(encodeUnpaddedBase64(randomBytes(32)), `ed25519:${v}`);
}

function randomAlphanumeric(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  // 62 does not divide 256, but the slight bias is harmless for a key's version name.
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Builds a key from its unpadded-Base64 seed and its key id (`ed25519:<version>`). */
export function signingKeyFromSeed(seedBase64: string, keyId: string): SigningKey {
  const [alg, version] = splitKeyId(keyId);
  if (alg !== 'ed25519' || !KEY_VERSION.test(version)) throw new Error(`unsupported key id: ${keyId}`);
  const seed = decodeBase64(seedBase64);
  if (seed.length !== 32) throw new Error('an ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
  return { keyId, seed, privateKey, publicKey, publicKeyBase64: encodeUnpaddedBase64(raw) };
}

/** Imports a published ed25519 public key (unpadded Base64 of the 32 raw bytes). */
export function publicKeyFromBase64(publicKeyBase64: string): KeyObject {
  const raw = decodeBase64(publicKeyBase64);
  if (raw.length !== 32) throw new Error('an ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

function splitKeyId(keyId: string): [string, string] {
  const colon = keyId.indexOf(':');
  return colon < 0 ? [keyId, ''] : [keyId.slice(0, colon), keyId.slice(colon + 1)];
}

/** Parses Synapse's signing key file: one `ed25519 <version> <unpadded-base64 seed>` per line. */
export function parseSigningKeyFile(text: string): SigningKey[] {
  const keys: SigningKey[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const parts = trimmed.split(/\s+/);
    if (parts.length !== 3) throw new Error('signing key line must be "<algorithm> <version> <seed>"');
    keys.push(signingKeyFromSeed(parts[2], `${parts[0]}:${parts[1]}`));
  }
  return keys;
}

/** Writes keys in Synapse's signing key file format (readable by Synapse and by us). */
export function formatSigningKeyFile(keys: SigningKey | readonly SigningKey[]): string {
  const list = Array.isArray(keys) ? keys : [keys as SigningKey];
  return list.map((k) => `${splitKeyId(k.keyId).join(' ')} ${encodeUnpaddedBase64(k.seed)}\n`).join('');
}

type Signatures = Record<string, Record<string, string>>;

/** The bytes a signature covers: the canonical object without `signatures` and `unsigned`. */
function signedBytes(obj: object, allowUnsafeNumbers = false): Buffer {
  const { signatures: _s, unsigned: _u, ...rest } = obj as JsonObject;
  return canonicalJsonBytes(rest, { allowUnsafeNumbers });
}

/** Events of versions before strict canonical JSON (v1-v5) may hold numbers it refuses. */
function lenientFor(rules: RoomVersionRules): boolean {
  return !rules.strictCanonicalJson;
}

/** A copy of `obj` with this server's signature merged into its `signatures`. */
export function signJson<T extends object>(obj: T, serverName: string, key: SigningKey): T {
  return signJsonWith(obj, serverName, key, false);
}

function signJsonWith<T extends object>(obj: T, serverName: string, key: SigningKey, lenient: boolean): T {
  const signature = encodeUnpaddedBase64(sign(null, signedBytes(obj, lenient), key.privateKey));
  const existing = ((obj as JsonObject).signatures ?? {}) as Signatures;
  const signatures: Signatures = { ...existing, [serverName]: { ...existing[serverName], [key.keyId]: signature } };
  return { ...obj, signatures } as T;
}

/**
 * Checks one signature of `serverName` with key `keyId`. False when it is missing, not Base64,
 * or wrong; an object that cannot be canonical JSON also fails rather than throwing.
 */
export function verifyJsonSignature(obj: object, serverName: string, keyId: string, publicKeyBase64: string): boolean {
  return verifyJsonWith(obj, serverName, keyId, publicKeyBase64, false);
}

function verifyJsonWith(obj: object, serverName: string, keyId: string, publicKeyBase64: string, lenient: boolean): boolean {
  const signature = ((obj as JsonObject).signatures as Signatures | undefined)?.[serverName]?.[keyId];
  if (typeof signature !== 'string') return false;
  try {
    return verify(null, signedBytes(obj, lenient), publicKeyFromBase64(publicKeyBase64), decodeBase64(signature));
  } catch {
    return false;
  }
}

/**
 * Signs an event: the signature covers the redacted form (so it still verifies after a
 * redaction) and is added to the full event's `signatures`. The content hash must already be
 * set; the event id does not change because signatures are outside the reference hash.
 */
export function signEvent<T extends Pdu | JsonObject>(event: T, serverName: string, key: SigningKey, rules: RoomVersionRules): T {
  const signed = signJsonWith(redactEvent(wireEvent(event as JsonObject, rules), rules), serverName, key, lenientFor(rules));
  return { ...event, signatures: signed.signatures } as T;
}

/** The spec's whole outgoing step: add the content hash, then sign. */
export function hashAndSignEvent<T extends Pdu | JsonObject>(event: T, serverName: string, key: SigningKey, rules: RoomVersionRules): T {
  return signEvent(addContentHash(event, rules), serverName, key, rules);
}

/** Checks an event's signature by `serverName`/`keyId` over its redacted form. */
export function verifyEventSignature(
  event: Pdu | JsonObject,
  serverName: string,
  keyId: string,
  publicKeyBase64: string,
  rules: RoomVersionRules,
): boolean {
  return verifyJsonWith(redactEvent(wireEvent(event as JsonObject, rules), rules), serverName, keyId, publicKeyBase64, lenientFor(rules));
}
