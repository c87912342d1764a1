// SCRAM credentials (RFC 5802, RFC 7677): the only form in which passwords are kept.
// Both protocols verify against them: XMPP through the SASL exchange, Matrix and SASL PLAIN by
// deriving the stored key from the offered password and comparing.
import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

export type ScramHash = 'sha1' | 'sha256';
export const SCRAM_HASHES: readonly ScramHash[] = ['sha1', 'sha256'];

export interface ScramCredential {
  hash: ScramHash;
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function hmac(hash: ScramHash, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function h(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

function keyLength(hash: ScramHash): number {
  return hash === 'sha1' ? 20 : 32;
}

export function keysFromSaltedPassword(hash: ScramHash, salted: Buffer): { storedKey: Buffer; serverKey: Buffer } {
  return {
    storedKey: h(hash, hmac(hash, salted, 'Client Key')),
    serverKey: hmac(hash, salted, 'Server Key'),
  };
}

/** Derives a credential for a new password (a fresh salt per hash). */
export async function makeCredential(hash: ScramHash, password: string, iterations: number): Promise<ScramCredential> {
  const salt = randomBytes(16);
  const salted = await pbkdf2Async(normalizePassword(password), salt, iterations, keyLength(hash), hash);
  return { hash, salt, iterations, ...keysFromSaltedPassword(hash, salted) };
}

/** True when the password matches the credential; constant-time in the comparison. */
export async function checkPassword(cred: ScramCredential, password: string): Promise<boolean> {
  const salted = await pbkdf2Async(normalizePassword(password), cred.salt, cred.iterations, keyLength(cred.hash), cred.hash);
  return timingSafeEqual(keysFromSaltedPassword(cred.hash, salted).storedKey, cred.storedKey);
}

export function checkPasswordSync(cred: ScramCredential, password: string): boolean {
  const salted = pbkdf2Sync(normalizePassword(password), cred.salt, cred.iterations, keyLength(cred.hash), cred.hash);
  return timingSafeEqual(keysFromSaltedPassword(cred.hash, salted).storedKey, cred.storedKey);
}

/** SASLprep (RFC 4013) reduced to what matters in practice: NFKC and mapping of non-ASCII spaces. */
export function normalizePassword(password: string): string {
  return password.replace(/[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g, ' ').normalize('NFKC');
}
