// The Hashed Token mechanisms (draft-schmaus-kitten-sasl-ht, used by XEP-0484 FAST), server side,
// without channel binding (HT-SHA-256-NONE): one message from the client,
// `authcid NUL HMAC-SHA-256(token, "Initiator")`, and the server's
// `HMAC-SHA-256(token, "Responder")` in the success data. Which token is valid is FAST's business
// (modules/xep-0484-fast); this file only reads the message.
import { accountName } from './identity.js';
import { saslFailure, utf8, type SaslFailureCondition, type SaslMechanism, type SaslStep } from './types.js';

export const HT_MECHANISMS = ['HT-SHA-256-NONE'] as const;
const HMAC_BYTES = 32;

/** Checks the client's proof for the account; on success returns the server's proof. */
export type HtVerifier = (username: string, proof: Buffer) => { serverProof: Buffer } | { condition: SaslFailureCondition; text?: string };

export class HtServer implements SaslMechanism {
  private finished = false;

  constructor(readonly name: string, private readonly verify: HtVerifier) {}

  step(input: Buffer | null): SaslStep {
    if (this.finished) return saslFailure('malformed-request', 'exchange already finished');
    this.finished = true;
    // A single round trip: the client speaks first, always.
    if (input === null) return saslFailure('malformed-request', `${this.name} needs an initial response`);
    const nul = input.indexOf(0);
    if (nul <= 0 || input.length - nul - 1 !== HMAC_BYTES) return saslFailure('malformed-request', 'expected authcid NUL HMAC-SHA-256');
    const authcid = utf8(input.subarray(0, nul));
    const username = authcid === null ? null : accountName(authcid);
    if (username === null) return saslFailure('not-authorized');
    const outcome = this.verify(username, input.subarray(nul + 1));
    if ('condition' in outcome) return saslFailure(outcome.condition, outcome.text);
    return { type: 'success', username, data: outcome.serverProof };
  }
}
