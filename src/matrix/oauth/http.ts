// The OAuth 2.0 API on the Matrix listener (spec v1.15 "OAuth 2.0 API"), when
// matrix.oauth.enabled: auth_metadata, dynamic client registration, the authorisation endpoint
// with its login page, the token endpoint and revocation. These speak OAuth's wire formats
// (form bodies, RFC 6749 error objects, redirects, HTML), so they sit in front of the JSON
// pipeline the way media does. Tokens are the same sessions as password logins (auth/sessions).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MatrixContext } from '../context.js';
import { endDevices } from '../e2ee/changes.js';
import { passwordLogin } from '../endpoints/login.js';
import { MatrixError, toMatrixError } from '../errors.js';
import { readRaw } from '../http/body.js';
import { issueSession, refreshSession } from '../auth/sessions.js';
import { RateLimits } from '../ratelimit/index.js';
import { matchRedirectUri, RegistrationError, validateClientMetadata } from './client-metadata.js';
import { authMetadata, OAUTH_PREFIX } from './metadata.js';
import { errorPage, loginPage } from './page.js';
import { hashSecret, randomSecret, safeEqual, validChallenge, verifyPkce } from './pkce.js';
import { deviceScope, parseScope } from './scope.js';
import { OAuthStore, PAGE_TTL_MS, type AuthRequest } from './store.js';
import { IdTokenSigner, idTokenClaims } from './id-token.js';
import { BoundedMap } from '../../core/bounded-map.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** OAuth bodies are a few hundred bytes; anything near this is not a real client. */
const MAX_BODY = 16 * 1024;
/** How long a refresh whose response was lost may be retried with the old token. */
const REPLAY_MS = 5 * 60_000;
// The stable path, MSC2965's unstable one that matrix-js-sdk 37 (Element Web) asks, and the
// issuer's OIDC discovery document, which its token refresher reads (issuer = base URL + '/').
const METADATA_PATHS = new Set(['/_matrix/client/v1/auth_metadata', '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata',
  '/.well-known/openid-configuration']);
const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type, Authorization' };

/** An RFC 6749 §5.2 error object. */
class OAuthError extends Error {
  constructor(readonly status: number, readonly error: string, readonly description: string) {
    super(description);
  }
}
const invalidRequest = (d: string) => new OAuthError(400, 'invalid_request', d);
const invalidGrant = (d: string) => new OAuthError(400, 'invalid_grant', d);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text),
    // RFC 6749 §5.1: token responses must not be cached.
    'Cache-Control': 'no-store', Pragma: 'no-cache',
  });
  res.end(text);
}

function sendHtml(res: ServerResponse, status: number, html: string, cookie?: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-store',
    // No script, no framing (clickjacking of the consent button), nothing loaded from elsewhere.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer',
    ...(cookie ? { 'Set-Cookie': cookie } : {}),
  });
  res.end(html);
}

function redirect(res: ServerResponse, location: string, cookie?: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', ...(cookie ? { 'Set-Cookie': cookie } : {}) });
  res.end();
}

/** The callback URL: parameters in the query or the fragment, as the client's response_mode asks. */
export function callbackUrl(redirectUri: string, mode: 'query' | 'fragment', params: Record<string, string | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null) p.set(k, v);
  if (mode === 'fragment') return `${redirectUri}#${p}`;
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${p}`;
}

/** A form body (token, revocation, the login page): each parameter at most once (RFC 6749 §3.1). */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw invalidRequest('the body must be application/x-www-form-urlencoded');
  const form = new URLSearchParams((await readRaw(req, MAX_BODY)).toString('utf8'));
  const seen = new Set<string>();
  for (const k of form.keys()) {
    if (seen.has(k)) throw invalidRequest(`parameter ${k} given more than once`);
    seen.add(k);
  }
  return form;
}

function required(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  if (v === null || v === '') throw invalidRequest(`${name} is required`);
  return v;
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

export class OAuthServer {
  readonly store = new OAuthStore();
  private readonly signer = new IdTokenSigner();
  /** Spent refresh tokens (hashed) → the pair they were exchanged for: retries and reuse detection. */
  private readonly rotated = new BoundedMap<string, { response: Record<string, unknown>; userId: string; deviceId: string; until: number }>(10_000);
  private readonly limits: RateLimits;

  constructor(private readonly m: MatrixContext) {
    this.limits = new RateLimits(m);
  }

  private locked(userId: string): boolean {
    const lp = this.m.core.accounts.localpartOf(userId);
    return lp !== null && this.m.core.accounts.restriction(lp) === 'locked';
  }

  private get base(): string {
    return this.m.baseUrl();
  }

  listener(next: Listener): Listener {
    return (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (!METADATA_PATHS.has(path) && !path.startsWith(`${OAUTH_PREFIX}/`)) return next(req, res);
      this.handle(req, res, path).catch((err: unknown) => this.fail(req, res, err));
    };
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (res.headersSent) return;
    if (err instanceof OAuthError) return sendJson(res, err.status, { error: err.error, error_description: err.description });
    if (err instanceof RegistrationError) return sendJson(res, 400, { error: err.error, error_description: err.description });
    const known = toMatrixError(err);
    if (known?.status === 429) {
      res.setHeader('Retry-After', String(Math.ceil(Number(known.extra.retry_after_ms ?? 1000) / 1000)));
      return sendJson(res, 429, { error: 'temporarily_unavailable', error_description: 'too many requests' });
    }
    if (known?.status === 413) {
      res.setHeader('Connection', 'close');
      return sendJson(res, 413, { error: 'invalid_request', error_description: 'request body too large' });
    }
    // The URL is logged without its query: it can hold codes and states.
    this.m.core.logger.error({ err, method: req.method, url: req.url?.split('?')[0] }, 'OAuth request failed');
    sendJson(res, 500, { error: 'server_error', error_description: 'internal server error' });
  }

  private async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS' });
      return void res.end();
    }
    const route = `${method} ${path}`;
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    if (METADATA_PATHS.has(path)) {
      if (method === 'GET') return sendJson(res, 200, authMetadata(this.base));
      throw new OAuthError(405, 'invalid_request', 'auth_metadata is GET only');
    }
    switch (route) {
      case `GET ${OAUTH_PREFIX}/keys`: return sendJson(res, 200, this.signer.jwks());
      case `POST ${OAUTH_PREFIX}/register`: return this.register(req, res);
      case `GET ${OAUTH_PREFIX}/authorize`: return this.authorize(res, query);
      case `POST ${OAUTH_PREFIX}/authorize`: return this.submit(req, res);
      case `POST ${OAUTH_PREFIX}/token`: return sendJson(res, 200, await this.token(await readForm(req)));
      case `POST ${OAUTH_PREFIX}/revoke`: return sendJson(res, 200, await this.revoke(await readForm(req)));
    }
    throw new OAuthError(404, 'invalid_request', 'unknown endpoint or method');
  }

  private async register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Clients register at every sign-in (spec), so this shares the login budget of the address.
    this.limits.check('login', [`ip:${req.socket.remoteAddress ?? ''}`]);
    const raw = (await readRaw(req, MAX_BODY)).toString('utf8');
    let body: unknown;
    try { body = JSON.parse(raw); } catch { throw new RegistrationError('invalid_client_metadata', 'the body must be JSON'); }
    const meta = validateClientMetadata(body);
    const clientId = this.store.registerClient(meta);
    sendJson(res, 201, { client_id: clientId, client_id_issued_at: Math.floor(Date.now() / 1000), ...meta });
  }

  /** GET authorize: validates the request (RFC 6749 §4.1.1) and shows the login page. */
  private authorize(res: ServerResponse, q: URLSearchParams): void {
    const clientId = q.get('client_id') ?? '';
    const client = this.store.client(clientId);
    // Without a known client and one of its redirect URIs there is nowhere safe to send an
    // error (§4.1.2.1): the user sees it instead, and nothing redirects (no open redirect).
    if (!client) return sendHtml(res, 400, errorPage('Unknown client', 'This sign-in link names a client that is not registered here. Start again from your app.'));
    const redirectUri = matchRedirectUri(q.get('redirect_uri') ?? '', client.redirect_uris);
    if (!redirectUri) return sendHtml(res, 400, errorPage('Invalid redirect', 'This sign-in link returns to an address the client did not register.'));
    const mode = q.get('response_mode') ?? 'query';
    const state = q.get('state');
    const back = (error: string, description: string) =>
      redirect(res, callbackUrl(redirectUri, mode === 'fragment' ? 'fragment' : 'query', { error, error_description: description, state }));
    if (mode !== 'query' && mode !== 'fragment') return back('invalid_request', 'response_mode must be query or fragment');
    if (q.get('response_type') !== 'code') return back('unsupported_response_type', 'response_type must be code');
    const challenge = q.get('code_challenge') ?? '';
    if (q.get('code_challenge_method') !== 'S256' || !validChallenge(challenge)) {
      return back('invalid_request', 'PKCE with code_challenge_method S256 is required');
    }
    const scope = parseScope(q.get('scope'));
    if (!scope.ok) return back('invalid_scope', scope.description);
    const csrf = randomSecret();
    const request: AuthRequest = {
      clientId, redirectUri, responseMode: mode, state, codeChallenge: challenge, deviceId: scope.deviceId,
      scope: scope.scope, nonce: q.get('nonce'), openid: scope.openid, csrfHash: hashSecret(csrf), expiresAt: Date.now() + PAGE_TTL_MS,
    };
    const requestId = this.store.putRequest(request);
    sendHtml(res, 200, this.page(request, requestId, csrf), this.csrfCookie(requestId, csrf));
  }

  private page(r: AuthRequest, requestId: string, csrf: string, extra: { username?: string; error?: string } = {}): string {
    const client = this.store.client(r.clientId)!;
    let redirectHost: string;
    try { redirectHost = new URL(r.redirectUri).host || r.redirectUri.split(':')[0]!; } catch { redirectHost = r.redirectUri; }
    return loginPage({
      serverName: this.m.core.config.server_name, clientName: client.client_name ?? client.client_uri,
      clientUri: client.client_uri, redirectHost, requestId, csrf, formAction: `${OAUTH_PREFIX}/authorize`, ...extra,
    });
  }

  /** One cookie per authorisation request, so two sign-ins in two tabs do not clash. */
  private cookieName(requestId: string): string {
    return `hearth_oauth_${requestId.slice(0, 12)}`;
  }

  private csrfCookie(requestId: string, value: string, maxAge = PAGE_TTL_MS / 1000): string {
    const secure = this.base.startsWith('https:') ? '; Secure' : '';
    return `${this.cookieName(requestId)}=${value}; Path=${OAUTH_PREFIX}/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`;
  }

  /** POST authorize: the login form. CSRF: the form's value must match its cookie and the request. */
  private async submit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let form: URLSearchParams;
    try { form = await readForm(req); } catch (err) {
      if (err instanceof OAuthError) return sendHtml(res, 400, errorPage('Bad request', err.description));
      throw err;
    }
    const requestId = form.get('request') ?? '';
    const csrf = form.get('csrf') ?? '';
    const r = this.store.request(requestId);
    const cookie = cookieOf(req, this.cookieName(requestId));
    // The client may have been dropped from the bounded store since the page was shown.
    if (!r || !this.store.client(r.clientId) || cookie === null || !safeEqual(cookie, csrf) || !safeEqual(hashSecret(csrf), r.csrfHash)) {
      return sendHtml(res, 403, errorPage('Sign-in expired', 'This sign-in page is no longer valid. Start again from your app.'));
    }
    const done = this.csrfCookie(requestId, '', 0);
    const back = (params: Record<string, string | null>) => {
      this.store.dropRequest(requestId);
      redirect(res, callbackUrl(r.redirectUri, r.responseMode, { ...params, state: r.state }), done);
    };
    if (form.get('action') === 'deny') return back({ error: 'access_denied', error_description: 'The user cancelled the sign-in.' });
    const username = form.get('username') ?? '';
    const again = (status: number, error: string) => sendHtml(res, status, this.page(r, requestId, csrf, { username, error }));
    const lp = (username.startsWith('@') ? username.slice(1).split(':')[0]! : username).toLowerCase();
    try {
      this.limits.check('login', [`ip:${req.socket.remoteAddress ?? ''}`, `user:${lp}`]);
    } catch (err) {
      const ms = err instanceof MatrixError ? Number(err.extra.retry_after_ms ?? 1000) : 1000;
      return again(429, `Too many attempts. Try again in ${Math.ceil(ms / 1000)} seconds.`);
    }
    let userId: string;
    try {
      // The same check as POST /login (deactivated and unknown accounts, wrong passwords).
      userId = await passwordLogin(this.m, { type: 'm.login.password', identifier: { type: 'm.id.user', user: username }, password: form.get('password') ?? '' });
    } catch (err) {
      if (toMatrixError(err)) return again(400, 'Invalid username or password.');
      throw err;
    }
    // As at POST /login: a suspended account may sign in, a locked one may not.
    if (this.locked(userId)) return again(403, 'This account is locked. Contact the server administrator.');
    const code = this.store.issueCode({
      clientId: r.clientId, redirectUri: r.redirectUri, codeChallenge: r.codeChallenge, userId, deviceId: r.deviceId, scope: r.scope,
      nonce: r.nonce, openid: r.openid, authTime: Date.now(),
    });
    back({ code });
  }

  private async token(form: URLSearchParams): Promise<Record<string, unknown>> {
    const grant = required(form, 'grant_type');
    const clientId = required(form, 'client_id');
    const client = this.store.client(clientId);
    if (grant === 'authorization_code') {
      if (!client) throw new OAuthError(401, 'invalid_client', 'unknown client_id');
      const code = required(form, 'code');
      const redirectUri = required(form, 'redirect_uri');
      const verifier = required(form, 'code_verifier');
      // Taken first: a code is spent by any attempt, right or wrong (RFC 6749 §4.1.2).
      const c = this.store.takeCode(code);
      if (!c) {
        await this.endSessionOfReusedCode(code);
        throw invalidGrant('the code is unknown, used or expired');
      }
      if (!safeEqual(c.clientId, clientId)) throw invalidGrant('the code was issued to another client');
      if (c.redirectUri !== redirectUri) throw invalidGrant('redirect_uri differs from the authorisation request');
      if (!verifyPkce(verifier, c.codeChallenge)) throw invalidGrant('code_verifier does not match the code_challenge');
      const lp = this.m.core.accounts.localpartOf(c.userId);
      if (!lp || !this.m.core.accounts.active(lp) || this.locked(c.userId)) throw invalidGrant('the account is no longer active');
      const s = issueSession(this.m, { userId: c.userId, deviceId: c.deviceId, displayName: client.client_name ?? null, refresh: true });
      this.store.markRedeemed(code, c.userId, String(s.access_token));
      const idToken = c.openid
        ? this.signer.sign(idTokenClaims({ issuer: authMetadata(this.base).issuer as string, userId: c.userId, clientId, nonce: c.nonce, authTime: c.authTime, now: Date.now() }))
        : null;
      return { ...tokenResponse(s, c.scope), ...(idToken ? { id_token: idToken } : {}) };
    }
    if (grant === 'refresh_token') {
      if (client && !client.grant_types.includes('refresh_token')) throw new OAuthError(400, 'unauthorized_client', 'the client did not register the refresh_token grant');
      return this.refresh(required(form, 'refresh_token'));
    }
    throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  /**
   * RFC 6749 §4.1.2: a code presented again was seen by someone else too; the session it made
   * ends, if it is still the device's current one (a later sign-in on the device stays).
   */
  private async endSessionOfReusedCode(code: string): Promise<void> {
    const made = this.store.redeemedBy(code);
    const session = made && this.m.core.storage.devices.lookupToken(made.accessToken);
    if (!session) return;
    await endDevices(this.m.core, session.userId, [session.deviceId]);
    this.m.ephemeral.pusher.forget();
  }

  /**
   * The refresh token grant. The spec wants both: a client whose response was lost may retry
   * with the old token (it gets the same new pair again, for REPLAY_MS and while that pair is
   * unused), and an old token used after its successor was means two holders: the session ends.
   */
  private async refresh(refreshToken: string): Promise<Record<string, unknown>> {
    const key = hashSecret(refreshToken);
    const prior = this.rotated.get(key);
    if (prior) {
      const devices = this.m.core.storage.devices;
      const successorCurrent = devices.lookupToken(String(prior.response.access_token)) !== null
        && this.m.core.storage.refreshTokens.accessExpiry(String(prior.response.access_token)) !== null;
      if (successorCurrent && prior.until > Date.now()) return prior.response;
      if (!successorCurrent && devices.listDevices(prior.userId).some((d) => d.deviceId === prior.deviceId)) {
        this.rotated.delete(key);
        await endDevices(this.m.core, prior.userId, [prior.deviceId]);
        this.m.ephemeral.pusher.forget();
      }
      throw invalidGrant('the refresh token was already used');
    }
    let s: Record<string, unknown>;
    try {
      s = refreshSession(this.m, refreshToken);
    } catch (err) {
      if (err instanceof MatrixError) throw invalidGrant('the refresh token is unknown, used or revoked');
      throw err;
    }
    const session = this.m.core.storage.devices.lookupToken(String(s.access_token))!;
    const response = tokenResponse(s, deviceScope(session.deviceId));
    this.rotated.set(key, { response, userId: session.userId, deviceId: session.deviceId, until: Date.now() + REPLAY_MS });
    return response;
  }

  /** RFC 7009: ends the session of an access or refresh token; unknown tokens are not an error. */
  private async revoke(form: URLSearchParams): Promise<Record<string, never>> {
    const token = required(form, 'token');
    const hint = form.get('token_type_hint');
    if (hint !== null && hint !== 'access_token' && hint !== 'refresh_token') {
      throw new OAuthError(400, 'unsupported_token_type', 'token_type_hint must be access_token or refresh_token');
    }
    const owner = this.m.core.storage.devices.lookupToken(token) ?? this.m.core.storage.refreshTokens.take(token);
    // The device goes, and with it both its access and its refresh token (spec).
    if (owner) {
      await endDevices(this.m.core, owner.userId, [owner.deviceId]);
      this.m.ephemeral.pusher.forget();
    }
    return {};
  }
}

function tokenResponse(s: Record<string, unknown>, scope: string | null): Record<string, unknown> {
  return {
    access_token: s.access_token,
    token_type: 'Bearer',
    expires_in: Math.floor(Number(s.expires_in_ms) / 1000),
    refresh_token: s.refresh_token,
    ...(scope ? { scope } : {}),
  };
}

export function oauthHttp(m: MatrixContext, next: Listener): Listener {
  if (!m.core.config.matrix.oauth.enabled) return next;
  return new OAuthServer(m).listener(next);
}
