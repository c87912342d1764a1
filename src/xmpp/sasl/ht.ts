// The Hashed Token mechanisms (draft-schmaus-kitten-sasl-ht, used by XEP-0484 FAST), server side:
// one message from the client, `authcid NUL HMAC-SHA-256(token, "Initiator" || cb-data)`, and the
// server's `HMAC-SHA-256(token, "Responder" || cb-data)` in the success data. cb-data is the TLS
// channel binding the name's suffix asks for (EXPR: tls-exporter, ENDP: tls-server-end-point,
// NONE: nothing), so a token relayed through another TLS connection proves nothing. Which token
// is valid is FAST's business (modules/xep-0484-fast); this file reads the message and names the
// binding.
import type { ChannelBindings, ChannelBindingType } from './channel-binding.js';
import { accountName } from './identity.js';
import { saslFailure, utf8, type SaslFailureCondition, type SaslMechanism, type SaslStep } from './types.js';

/**
 * The mechanisms and the binding each hashes in, strongest first. UNIQ (tls-unique) is left out:
 * RFC 9266 leaves it undefined on TLS 1.3.
 */
const BINDING: Record<string, ChannelBindingType | null> = {
  'HT-SHA-256-EXPR': 'tls-exporter',
  'HT-SHA-256-ENDP': 'tls-server-end-point',
  'HT-SHA-256-NONE': null,
};
const HMAC_BYTES = 32;

export const isHtMechanism = (name: string): boolean => Object.hasOwn(BINDING, name);

/** The channel binding type an HT mechanism hashes in (null for -NONE). */
export const htBinding = (name: string): ChannelBindingType | null => BINDING[name] ?? null;

/** The HT mechanisms this connection can run: -NONE always, the others when TLS gives their binding. */
export function offeredHtMechanisms(bindings?: ChannelBindings): string[] {
  return Object.entries(BINDING)
    .filter(([, type]) => type === null || (bindings?.types.includes(type) ?? false))
    .map(([name]) => name);
}

/**
 * Checks the client's proof for the account with the connection's cb-data (empty for -NONE); on
 * success returns the server's proof.
 */
export type HtVerifier = (username: string, proof: Buffer, cbData: Buffer) => { serverProof: Buffer } | { condition: SaslFailureCondition; text?: string };

export class HtServer implements SaslMechanism {
  private finished = false;

  /** `cbData`: the binding data of this connection for the mechanism (null: it cannot give it). */
  constructor(readonly name: string, private readonly verify: HtVerifier, private readonly cbData: Buffer | null = Buffer.alloc(0)) {}

  step(input: Buffer | null): SaslStep {
    if (this.finished) return saslFailure('malformed-request', 'exchange already finished');
    this.finished = true;
    if (this.cbData === null) return saslFailure('invalid-mechanism', `this connection has no ${htBinding(this.name)} binding for ${this.name}`);
    // A single round trip: the client speaks first, always.
    if (input === null) return saslFailure('malformed-request', `${this.name} needs an initial response`);
    const nul = input.indexOf(0);
    if (nul <= 0 || input.length - nul - 1 !== HMAC_BYTES) return saslFailure('malformed-request', 'expected authcid NUL HMAC-SHA-256');
    const authcid = utf8(input.subarray(0, nul));
    const username = authcid === null ? null : accountName(authcid);
    if (username === null) return saslFailure('not-authorized');
    const outcome = this.verify(username, input.subarray(nul + 1), this.cbData);
    if ('condition' in outcome) return saslFailure(outcome.condition, outcome.text);
    return { type: 'success', username, data: outcome.serverProof };
  }
}
