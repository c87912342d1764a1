// What the authorisation server remembers: registered clients, authorisation requests waiting
// for the user on the login page, and issued codes (hashed, single use, 60 s). All in memory:
// a restart forgets them, and clients register again at the start of every flow (spec).
import { BoundedMap } from '../../core/bounded-map.js';
import type { ClientMetadata } from './client-metadata.js';
import { hashSecret, randomSecret } from './pkce.js';

export interface AuthRequest {
  clientId: string;
  redirectUri: string;
  responseMode: 'query' | 'fragment';
  state: string | null;
  codeChallenge: string;
  deviceId: string;
  scope: string;
  /** The OIDC nonce, echoed in the ID token. */
  nonce: string | null;
  openid: boolean;
  /** Hash of the login page's CSRF value, also set as a SameSite=Strict cookie. */
  csrfHash: string;
  expiresAt: number;
}

export interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  userId: string;
  deviceId: string;
  scope: string;
  nonce: string | null;
  openid: boolean;
  authTime: number;
  expiresAt: number;
}

export const CODE_TTL_MS = 60_000;
export const PAGE_TTL_MS = 15 * 60_000;

export class OAuthStore {
  private readonly clients = new BoundedMap<string, ClientMetadata>(10_000);
  private readonly requests = new BoundedMap<string, AuthRequest>(10_000);
  private readonly codes = new BoundedMap<string, IssuedCode>(10_000);
  /** Redeemed codes (hashed) → the session they made, to end it if the code comes back. */
  private readonly redeemed = new BoundedMap<string, { userId: string; accessToken: string }>(10_000);

  constructor(private readonly now: () => number = () => Date.now()) {}

  registerClient(meta: ClientMetadata): string {
    const id = randomSecret(16);
    this.clients.set(id, meta);
    return id;
  }

  client(id: string): ClientMetadata | null {
    return this.clients.get(id) ?? null;
  }

  /** Keeps a validated authorisation request for the login form; its id is the form's handle. */
  putRequest(req: AuthRequest): string {
    const id = randomSecret(24);
    this.requests.set(id, req);
    return id;
  }

  request(id: string): AuthRequest | null {
    const r = this.requests.get(id);
    return r && r.expiresAt > this.now() ? r : null;
  }

  dropRequest(id: string): void {
    this.requests.delete(id);
  }

  issueCode(c: Omit<IssuedCode, 'expiresAt'>): string {
    const code = randomSecret(32);
    this.codes.set(hashSecret(code), { ...c, expiresAt: this.now() + CODE_TTL_MS });
    return code;
  }

  markRedeemed(code: string, userId: string, accessToken: string): void {
    this.redeemed.set(hashSecret(code), { userId, accessToken });
  }

  /** The session a redeemed code made, if this code was redeemed. */
  redeemedBy(code: string): { userId: string; accessToken: string } | null {
    return this.redeemed.get(hashSecret(code)) ?? null;
  }

  /** The code's grant, once: a code presented a second time (or late) is gone. */
  takeCode(code: string): IssuedCode | null {
    const key = hashSecret(code);
    const c = this.codes.get(key);
    this.codes.delete(key);
    return c && c.expiresAt > this.now() ? c : null;
  }
}
