// XEP-0484 FAST tokens: issuing, checking (two slots per client, expiry, mechanism binding,
// replay counter) and rotation. Tokens are 32 random bytes shown to the client once; the store
// keeps SHA-256 of the client's HT proof and the server's proof, never the token (a stolen
// database gives nothing to log in with). Constant-time comparison as §Implementation Notes ask.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastTokenStore } from '../../../core/ports.js';
import type { SaslFailureCondition } from '../../sasl/types.js';

/** Server-wide FAST settings; tests shorten them. */
export const fastSettings = {
  /** How long a token is valid (XEP-0484 §Server responsibilities: a deployment's choice). */
  lifetimeSeconds: 30 * 24 * 3600,
  /** A token used with less than this left is rotated: a new one comes in <success/>. */
  rotateWithinSeconds: 7 * 24 * 3600,
};

export interface IssuedToken {
  token: string;
  expiry: Date;
}

/** A token that checked out: which slot it was in, and when it expires. */
export interface AcceptedToken {
  slot: 'current' | 'new';
  serverProof: Buffer;
  expiresTs: number;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const hmac = (token: string, label: string) => createHmac('sha256', Buffer.from(token, 'utf8')).update(label).digest();

export class FastTokens {
  constructor(private readonly store: FastTokenStore, private readonly now: () => number = Date.now) {}

  /** A new token for the client in its 'new' slot (one never used before is replaced). */
  issue(localpart: string, clientId: string, mechanism: string): IssuedToken {
    const token = randomBytes(32).toString('base64url');
    const expiresTs = this.now() + fastSettings.lifetimeSeconds * 1000;
    this.store.putNew(localpart, clientId, {
      mechanism, proofHash: sha256(hmac(token, 'Initiator')), serverProof: hmac(token, 'Responder'), expiresTs,
    });
    return { token, expiry: new Date(expiresTs) };
  }

  /**
   * The client's HT proof against its tokens, the 'new' slot first (§Implementation Notes).
   * `count` is the <fast count/> (null when absent): it must exceed every count seen before.
   */
  check(localpart: string, clientId: string, mechanism: string, proof: Buffer, count: number | null): AcceptedToken | { condition: SaslFailureCondition; text: string } {
    const hashed = sha256(proof);
    const tokens = this.store.tokens(localpart, clientId).sort((a, b) => (a.slot === 'new' ? -1 : b.slot === 'new' ? 1 : 0));
    for (const t of tokens) {
      if (t.proofHash.length !== hashed.length || !timingSafeEqual(t.proofHash, hashed)) continue;
      // §Client authenticates: a token works only with the mechanism it was issued for.
      if (t.mechanism !== mechanism) return { condition: 'not-authorized', text: `this token is for ${t.mechanism}` };
      // §Server responsibilities: a token no longer trusted fails with credentials-expired.
      if (t.expiresTs <= this.now()) return { condition: 'credentials-expired', text: 'the token has expired' };
      if (count !== null && count <= t.lastCount) return { condition: 'not-authorized', text: 'replayed count' };
      return { slot: t.slot, serverProof: t.serverProof, expiresTs: t.expiresTs };
    }
    return { condition: 'not-authorized', text: 'unknown token' };
  }

  /** After a successful use: a 'new' token becomes current and the older one is gone; the counter is kept. */
  used(localpart: string, clientId: string, accepted: AcceptedToken, count: number | null): void {
    this.store.used(localpart, clientId, accepted.slot, count ?? -1);
  }

  /** §Client requests token invalidation: the token just used (now current) can never be used again. */
  invalidate(localpart: string, clientId: string): void {
    this.store.remove(localpart, clientId, 'current');
  }

  /** §Server initiates token rotation: close to expiry, a new token comes with the success. */
  dueForRotation(accepted: AcceptedToken): boolean {
    return accepted.expiresTs - this.now() < fastSettings.rotateWithinSeconds * 1000;
  }
}
