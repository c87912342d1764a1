// What a server-side SASL mechanism looks like to the stream (RFC 6120 §6, RFC 4422).
import type { ScramCredential, ScramHash } from '../../core/accounts/scram.js';

/** The `<failure/>` conditions of RFC 6120 §6.5. */
export type SaslFailureCondition =
  | 'aborted' | 'account-disabled' | 'credentials-expired' | 'encryption-required'
  | 'incorrect-encoding' | 'invalid-authzid' | 'invalid-mechanism' | 'malformed-request'
  | 'mechanism-too-weak' | 'not-authorized' | 'temporary-auth-failure';

export type SaslStep =
  | { type: 'challenge'; data: Buffer }
  | { type: 'success'; username: string; data?: Buffer }
  | { type: 'failure'; condition: SaslFailureCondition; text?: string };

export interface SaslMechanism {
  readonly name: string;
  /** One round: the decoded initial response or response (null: the client sent none). */
  step(input: Buffer | null): SaslStep;
}

export interface SaslContext {
  /** Our domain: authorization identities must be bare JIDs on it. */
  domain: string;
  /** The account's credential for that hash, or null when there is no such (active) account. */
  credential(username: string, hash: ScramHash): ScramCredential | null;
  /** True when the account proved itself but is locked: RFC 6120 §6.5.1 account-disabled. */
  disabled?(username: string): boolean;
}

export function saslFailure(condition: SaslFailureCondition, text?: string): SaslStep {
  return { type: 'failure', condition, text };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 decoding; null for invalid sequences. */
export function utf8(data: Buffer): string | null {
  try {
    return UTF8.decode(data);
  } catch {
    return null;
  }
}
