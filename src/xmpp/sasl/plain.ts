// PLAIN (RFC 4616), server side: `[authzid] NUL authcid NUL passwd`, checked against the stored
// SCRAM keys (the password is derived once and compared; it is never kept).
import { checkPasswordSync } from '../../core/accounts/scram.js';
import { accountName, authzidAllowed, lookupCredential } from './identity.js';
import { saslFailure, utf8, type SaslContext, type SaslMechanism, type SaslStep } from './types.js';

const MAX_FIELD_BYTES = 255; // RFC 4616 §2: each field is at most 255 octets

export class PlainServer implements SaslMechanism {
  readonly name = 'PLAIN';
  private finished = false;

  constructor(private readonly ctx: SaslContext) {}

  step(input: Buffer | null): SaslStep {
    if (this.finished) return saslFailure('malformed-request', 'exchange already finished');
    // No initial response: the empty challenge invites it (RFC 6120 §6.4.2).
    if (input === null || input.length === 0) return { type: 'challenge', data: Buffer.alloc(0) };
    this.finished = true;
    const fields = splitPlain(input);
    if (!fields) return saslFailure('malformed-request', 'expected authzid NUL authcid NUL password');
    const [authzid, authcid, password] = fields;
    const username = accountName(authcid);
    if (username === null) return saslFailure('not-authorized');
    if (!authzidAllowed(authzid, username, this.ctx.domain)) return saslFailure('invalid-authzid');
    const found = lookupCredential(this.ctx, username, 'sha256');
    const { cred, real } = found.real ? found : lookupCredential(this.ctx, username, 'sha1');
    // The password is checked even for unknown accounts so both cases take the same time.
    const ok = checkPasswordSync(cred, password);
    return ok && real ? { type: 'success', username } : saslFailure('not-authorized');
  }
}

function splitPlain(input: Buffer): [string, string, string] | null {
  const text = utf8(input);
  if (text === null) return null;
  const fields = text.split('\0');
  if (fields.length !== 3) return null;
  const [authzid, authcid, password] = fields as [string, string, string];
  if (authcid === '' || password === '') return null;
  if (fields.some((f) => Buffer.byteLength(f) > MAX_FIELD_BYTES)) return null;
  return [authzid, authcid, password];
}
