// SCRAM-SHA-1 and SCRAM-SHA-256, server side (RFC 5802, RFC 7677), over stored keys only, with
// their -PLUS variants that bind the exchange to the TLS connection (channel-binding.ts). The
// gs2 flag rules of RFC 5802 §6: a -PLUS mechanism needs 'p=<type>'; a plain one refuses 'p=';
// 'y' (the client could bind but thinks we cannot) is refused when this connection offers -PLUS,
// since then someone removed it from the list on the way (a downgrade).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { h, hmac, type ScramCredential, type ScramHash } from '../../core/accounts/scram.js';
import { NO_CHANNEL_BINDINGS, type ChannelBindings } from './channel-binding.js';
import { accountName, authzidAllowed, lookupCredential } from './identity.js';
import { saslFailure, utf8, type SaslContext, type SaslMechanism, type SaslStep } from './types.js';

const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/; // printable ASCII except ','
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const SCRAM_MECHANISMS: Record<string, ScramHash> = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-1': 'sha1' };
export const SCRAM_PLUS_MECHANISMS: Record<string, ScramHash> = { 'SCRAM-SHA-256-PLUS': 'sha256', 'SCRAM-SHA-1-PLUS': 'sha1' };

interface FirstState {
  gs2Header: string;
  /** What c= of the client-final message must decode to: the gs2 header, then the binding data. */
  expectedCbind: Buffer;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  username: string;
  cred: ScramCredential;
  real: boolean;
}

export interface ScramOptions {
  /** Server nonce part; random by default (injectable for the RFC test vectors). */
  serverNonce?: () => string;
  /** What this connection can bind to; none when absent. -PLUS is offered only when there is some. */
  channelBindings?: ChannelBindings;
}

export class ScramServer implements SaslMechanism {
  readonly name: string;
  private readonly hash: ScramHash;
  private readonly plus: boolean;
  private readonly cb: ChannelBindings;
  private first: FirstState | null = null;
  private finished = false;

  constructor(name: string, private readonly ctx: SaslContext, private readonly opts: ScramOptions = {}) {
    const hash = SCRAM_MECHANISMS[name] ?? SCRAM_PLUS_MECHANISMS[name];
    if (!hash) throw new Error(`not a SCRAM mechanism: ${name}`);
    this.name = name;
    this.hash = hash;
    this.plus = Object.hasOwn(SCRAM_PLUS_MECHANISMS, name);
    this.cb = opts.channelBindings ?? NO_CHANNEL_BINDINGS;
  }

  step(input: Buffer | null): SaslStep {
    if (this.finished) return saslFailure('malformed-request', 'exchange already finished');
    if (input === null || input.length === 0) {
      // No initial response: ask for it with an empty challenge (RFC 6120 §6.4.2).
      return this.first ? this.fail('malformed-request', 'empty response') : { type: 'challenge', data: Buffer.alloc(0) };
    }
    const msg = utf8(input);
    if (msg === null) return this.fail('malformed-request', 'message is not UTF-8');
    return this.first ? this.clientFinal(msg, this.first) : this.clientFirst(msg);
  }

  private fail(condition: Parameters<typeof saslFailure>[0], text?: string): SaslStep {
    this.finished = true;
    return saslFailure(condition, text);
  }

  private clientFirst(msg: string): SaslStep {
    const parsed = parseClientFirst(msg);
    if ('error' in parsed) return this.fail(parsed.condition, parsed.error);
    const cbind = this.bindingFor(parsed.cbFlag, parsed.cbType);
    if ('error' in cbind) return this.fail(cbind.condition, cbind.error);
    const username = accountName(parsed.username);
    if (username === null) return this.fail('not-authorized');
    if (!authzidAllowed(parsed.authzid, username, this.ctx.domain)) return this.fail('invalid-authzid');
    const { cred, real } = lookupCredential(this.ctx, username, this.hash);
    const nonce = parsed.nonce + (this.opts.serverNonce?.() ?? randomBytes(18).toString('base64'));
    const serverFirst = `r=${nonce},s=${cred.salt.toString('base64')},i=${cred.iterations}`;
    const expectedCbind = Buffer.concat([Buffer.from(parsed.gs2Header), cbind.data]);
    this.first = { gs2Header: parsed.gs2Header, expectedCbind, clientFirstBare: parsed.bare, serverFirst, nonce, username, cred, real };
    return { type: 'challenge', data: Buffer.from(serverFirst) };
  }

  private clientFinal(msg: string, first: FirstState): SaslStep {
    this.finished = true;
    const parsed = parseClientFinal(msg);
    if ('error' in parsed) return saslFailure('malformed-request', parsed.error);
    if (parsed.channelBinding !== first.expectedCbind.toString('base64')) {
      return saslFailure('not-authorized', 'channel binding mismatch');
    }
    if (parsed.nonce !== first.nonce) return saslFailure('not-authorized', 'nonce mismatch');
    const authMessage = `${first.clientFirstBare},${first.serverFirst},${parsed.withoutProof}`;
    if (!first.real || !proofMatches(first.cred, authMessage, parsed.proof)) return saslFailure('not-authorized');
    const serverSignature = hmac(this.hash, first.cred.serverKey, authMessage);
    return { type: 'success', username: first.username, data: Buffer.from(`v=${serverSignature.toString('base64')}`) };
  }

  /** The channel binding data the client must prove, or why its gs2 flag is refused. */
  private bindingFor(flag: 'n' | 'y' | 'p', type: string): { data: Buffer } | ParseError {
    if (this.plus) {
      if (flag !== 'p') return { error: `${this.name} needs channel binding (p=)`, condition: 'malformed-request' };
      const data = this.cb.data(type);
      return data ? { data } : { error: `channel binding type ${type} is not available`, condition: 'not-authorized' };
    }
    if (flag === 'p') return { error: `use ${this.name}-PLUS for channel binding`, condition: 'not-authorized' };
    if (flag === 'y' && this.cb.types.length > 0) return { error: 'channel binding was offered (downgrade?)', condition: 'not-authorized' };
    return { data: Buffer.alloc(0) };
  }
}

/** ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); the proof is right when H(ClientKey) = StoredKey. */
function proofMatches(cred: ScramCredential, authMessage: string, proof: Buffer): boolean {
  const signature = hmac(cred.hash, cred.storedKey, authMessage);
  if (proof.length !== signature.length) return false;
  const clientKey = Buffer.alloc(proof.length);
  for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
  return timingSafeEqual(h(cred.hash, clientKey), cred.storedKey);
}

type ParseError = { error: string; condition: 'malformed-request' | 'not-authorized' };
interface ClientFirst { gs2Header: string; cbFlag: 'n' | 'y' | 'p'; cbType: string; authzid: string; bare: string; username: string; nonce: string }

export function parseClientFirst(msg: string): ClientFirst | ParseError {
  const parts = msg.split(',');
  if (parts.length < 4) return malformed('client-first-message is incomplete');
  const [flag, authz, user, nonce] = parts as [string, string, string, string];
  // cb-name (RFC 5056): letters, digits, '.' and '-'.
  const cbType = flag.startsWith('p=') ? flag.slice(2) : '';
  if (flag.startsWith('p=') && !/^[A-Za-z0-9.-]+$/.test(cbType)) return malformed('bad channel binding type');
  if (!flag.startsWith('p=') && flag !== 'n' && flag !== 'y') return malformed('bad gs2 channel-binding flag');
  if (authz !== '' && !authz.startsWith('a=')) return malformed('bad authzid');
  if (user.startsWith('m=')) return malformed('mandatory extensions are not supported');
  const authzid = authz === '' ? '' : decodeSaslName(authz.slice(2));
  const username = user.startsWith('n=') ? decodeSaslName(user.slice(2)) : null;
  if (authzid === null || !username) return malformed('bad username or authzid');
  if (!nonce.startsWith('r=') || !NONCE.test(nonce.slice(2))) return malformed('bad nonce');
  if (!parts.slice(4).every(isAttribute)) return malformed('bad extension');
  const cbFlag = flag.startsWith('p=') ? 'p' : (flag as 'n' | 'y');
  return { gs2Header: `${flag},${authz},`, cbFlag, cbType, authzid, bare: parts.slice(2).join(','), username, nonce: nonce.slice(2) };
}

interface ClientFinal { channelBinding: string; nonce: string; withoutProof: string; proof: Buffer }

export function parseClientFinal(msg: string): ClientFinal | ParseError {
  const cut = msg.lastIndexOf(',p=');
  if (cut < 0) return malformed('client-final-message has no proof');
  const withoutProof = msg.slice(0, cut);
  const proof = msg.slice(cut + 3);
  const parts = withoutProof.split(',');
  if (parts.length < 2 || !parts[0]!.startsWith('c=') || !parts[1]!.startsWith('r=')) return malformed('bad client-final-message');
  if (!BASE64.test(proof) || proof === '' || !BASE64.test(parts[0]!.slice(2))) return malformed('bad base64 in client-final-message');
  if (!parts.slice(2).every(isAttribute)) return malformed('bad extension');
  return { channelBinding: parts[0]!.slice(2), nonce: parts[1]!.slice(2), withoutProof, proof: Buffer.from(proof, 'base64') };
}

/** saslname (RFC 5802 §5.1): ',' and '=' travel as '=2C' and '=3D'; any other '=' is an error. */
export function decodeSaslName(s: string): string | null {
  if (/=(?!2C|3D)/.test(s)) return null;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

function isAttribute(s: string): boolean {
  return /^[A-Za-z]=/.test(s);
}

function malformed(error: string): ParseError {
  return { error, condition: 'malformed-request' };
}
