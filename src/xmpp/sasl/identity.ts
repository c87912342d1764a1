// Identity checks shared by the SASL mechanisms: usernames, authorization identities, and the
// stand-in credential that makes an unknown account look like a known one to the client.
import { createHmac, randomBytes } from 'node:crypto';
import { normalizePassword, type ScramCredential, type ScramHash } from '../../core/accounts/scram.js';
import { Jid, prepLocalpart } from '../jid.js';
import type { SaslContext } from './types.js';

/** A SASL simple user name (RFC 4013 prepared) as an account localpart, or null when it cannot be one. */
export function accountName(username: string): string | null {
  return prepLocalpart(normalizePassword(username));
}

/**
 * RFC 6120 §6.3.8: the authorization identity, when given, must name the authenticated account
 * itself (acting for another entity is not offered).
 */
export function authzidAllowed(authzid: string, username: string, domain: string): boolean {
  if (authzid === '') return true;
  const jid = Jid.parse(authzid);
  return !!jid && jid.isBare() && jid.local === username && jid.domain === domain.toLowerCase();
}

// Salts for unknown accounts are derived from this per-process secret, so asking twice for the
// same unknown name gives the same salt, as a real account would (RFC 5802 §9, user enumeration).
const FAKE_SALT_SECRET = randomBytes(32);

export function fakeCredential(username: string, hash: ScramHash): ScramCredential {
  const salt = createHmac('sha256', FAKE_SALT_SECRET).update(hash + '\0' + username).digest().subarray(0, 16);
  const size = hash === 'sha1' ? 20 : 32;
  return { hash, salt, iterations: 4096, storedKey: randomBytes(size), serverKey: randomBytes(size) };
}

/** The account's credential, or a fake one (flagged) so the exchange runs its full course. */
export function lookupCredential(ctx: SaslContext, username: string, hash: ScramHash): { cred: ScramCredential; real: boolean } {
  const cred = ctx.credential(username, hash);
  return cred && cred.hash === hash ? { cred, real: true } : { cred: fakeCredential(username, hash), real: false };
}
