// OpenID Connect ID tokens for clients that ask for the `openid` scope: matrix-js-sdk 37 (and so
// Element Web) requires one (iss, aud, nonce, exp) and the issuer's jwks_uri. RS256, OIDC's
// default algorithm; the key is made at start, since an ID token is only read during sign-in.
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export class IdTokenSigner {
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  readonly kid = randomBytes(8).toString('base64url');

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' };
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [this.publicJwk] };
  }

  /** A compact JWS over the claims (RFC 7515/7519). */
  sign(claims: Record<string, unknown>): string {
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${b64(claims)}`;
    const sig = createSign('RSA-SHA256').update(input).sign(this.privateKey).toString('base64url');
    return `${input}.${sig}`;
  }
}

export interface IdTokenClaims {
  issuer: string;
  userId: string;
  clientId: string;
  nonce: string | null;
  authTime: number;
  now: number;
}

/** OIDC Core §2 claims; the subject is the Matrix user id. */
export function idTokenClaims(c: IdTokenClaims): Record<string, unknown> {
  const iat = Math.floor(c.now / 1000);
  return {
    iss: c.issuer, sub: c.userId, aud: c.clientId, iat, exp: iat + 300, auth_time: Math.floor(c.authTime / 1000),
    ...(c.nonce !== null ? { nonce: c.nonce } : {}),
  };
}
