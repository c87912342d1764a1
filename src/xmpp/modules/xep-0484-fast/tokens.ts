// XEP-0484 FAST tokens: issuing, checking (two slots per client, expiry, mechanism binding,
// replay counter) and rotation. Tokens are 32 random bytes shown to the client once. For
// HT-SHA-256-NONE the store keeps SHA-256 of the client's proof and the server's proof, never the
// token (a stolen database gives nothing to log in with). The channel-binding mechanisms hash each
// connection's own binding data into the proofs, which no stored hash can foresee: for those the
// store keeps the token (docs/decisions.md). Constant-time comparison as §Implementation Notes ask.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastTokenStore } from '../../../core/ports.js';
import { htBinding } from '../../sasl/ht.js';
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
const hmac = (key: Buffer, label: string, cbData: Buffer = EMPTY) => createHmac('sha256', key).update(label).update(cbData).digest();
const EMPTY = Buffer.alloc(0);
const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

export class FastTokens {
  constructor(private readonly store: FastTokenStore, private readonly now: () => number = Date.now) {}

  /** A new token for the client in its 'new' slot (one never used before is replaced). */
  issue(localpart: string, clientId: string, mechanism: string): IssuedToken {
    const token = randomBytes(32).toString('base64url');
    const key = Buffer.from(token, 'utf8');
    const expiresTs = this.now() + fastSettings.lifetimeSeconds * 1000;
    this.store.putNew(localpart, clientId, {
      mechanism, proofHash: sha256(hmac(key, 'Initiator')), serverProof: hmac(key, 'Responder'), expiresTs,
      secret: htBinding(mechanism) === null ? null : key,
    });
    return { token, expiry: new Date(expiresTs) };
  }

  /**
   * The client's HT proof against its tokens, the 'new' slot first (§Implementation Notes).
   * `count` is the <fast count/> (null when absent): it must exceed every count seen before.
   * `cbData` is the connection's binding data for the mechanism (empty for -NONE).
   */
  check(localpart: string, clientId: string, mechanism: string, proof: Buffer, count: number | null, cbData: Buffer = EMPTY): AcceptedToken | { condition: SaslFailureCondition; text: string } {
    const hashed = sha256(proof);
    const tokens = this.store.tokens(localpart, clientId).sort((a, b) => (a.slot === 'new' ? -1 : b.slot === 'new' ? 1 : 0));
    for (const t of tokens) {
      // A channel-binding token is checked by recomputing its proof with this connection's data;
      // any token also answers to its unbound proof, so a token used with the wrong mechanism is
      // recognised (and refused for that) rather than called unknown.
      const bound = t.secret !== null && t.mechanism === mechanism && same(hmac(t.secret, 'Initiator', cbData), proof);
      if (!bound && !same(t.proofHash, hashed)) continue;
      // §Client authenticates: a token works only with the mechanism it was issued for.
      if (t.mechanism !== mechanism) return { condition: 'not-authorized', text: `this token is for ${t.mechanism}` };
      // §Server responsibilities: a token no longer trusted fails with credentials-expired.
      if (t.expiresTs <= this.now()) return { condition: 'credentials-expired', text: 'the token has expired' };
      if (count !== null && count <= t.lastCount) return { condition: 'not-authorized', text: 'replayed count' };
      return { slot: t.slot, serverProof: t.secret ? hmac(t.secret, 'Responder', cbData) : t.serverProof, expiresTs: t.expiresTs };
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
