// The rules for a new registration token, shared by the CLI and the admin API: the spec limits
// tokens to 64 characters of [A-Za-z0-9._~-] (client-server-api "Token-authenticated registration").
import { randomBytes } from 'node:crypto';

export class TokenSpecError extends Error {}

export interface TokenSpec { token: string; usesAllowed: number | null; expiryTs: number | null }

const TOKEN_RE = /^[A-Za-z0-9._~-]{1,64}$/;

export function newRegistrationToken(): string {
  return randomBytes(12).toString('base64url');
}

/** Validates {token, uses_allowed, expiry_time} as the admin API and the CLI receive them. */
export function parseTokenSpec(raw: { token?: unknown; uses_allowed?: unknown; expiry_time?: unknown }): TokenSpec {
  const token = raw.token ?? newRegistrationToken();
  if (typeof token !== 'string' || !TOKEN_RE.test(token)) throw new TokenSpecError('token must be 1-64 characters of A-Z a-z 0-9 . _ ~ -');
  const uses = raw.uses_allowed ?? null;
  if (uses !== null && (typeof uses !== 'number' || !Number.isSafeInteger(uses) || uses < 0)) {
    throw new TokenSpecError('uses_allowed must be a non-negative integer or null');
  }
  const expiry = raw.expiry_time ?? null;
  if (expiry !== null && (typeof expiry !== 'number' || !Number.isSafeInteger(expiry) || expiry <= Date.now())) {
    throw new TokenSpecError('expiry_time must be a time in the future, in ms since the epoch, or null');
  }
  return { token, usesAllowed: uses as number | null, expiryTs: expiry as number | null };
}
