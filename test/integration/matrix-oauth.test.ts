// The OAuth 2.0 API (spec v1.15) with matrix.oauth.enabled: discovery and registration through
// matrix-js-sdk's own helpers, the login page in Debian's chromium the way Element X opens it,
// the tokens in a syncing matrix-js-sdk client, and every error path with raw requests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type TestServer } from './harness.js';
import { quiet, sdk, startSession } from './clients/matrix-sdk.js';
import { s256 } from '../../src/matrix/oauth/pkce.js';

let server: TestServer;
let md: Record<string, string>;
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-0123456789';
const NATIVE_REDIRECT = 'io.element.app:/callback';
const scope = (device: string) => `urn:matrix:client:api:* urn:matrix:client:device:${device}`;

before(async () => {
  server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', oauth: { enabled: true } } } });
  await server.addUser('alice', 'alice-pw');
  for (const u of ['bob', 'carol', 'dave', 'erin', 'gone']) await server.addUser(u, `${u}-pw`);
  md = await (await fetch(`${server.matrixUrl}/_matrix/client/v1/auth_metadata`)).json() as Record<string, string>;
});
after(async () => { await server.destroy(); });

async function register(body: Record<string, unknown>): Promise<Response> {
  return fetch(md.registration_endpoint!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function nativeClient(redirect = NATIVE_REDIRECT): Promise<string> {
  const res = await register({ client_name: 'Element X', client_uri: 'https://element.io/', redirect_uris: [redirect], application_type: 'native',
    token_endpoint_auth_method: 'none', response_types: ['code'], grant_types: ['authorization_code', 'refresh_token'] });
  assert.equal(res.status, 201);
  return ((await res.json()) as { client_id: string }).client_id;
}

function authorizeUrl(p: Record<string, string>): string {
  const q = new URLSearchParams({ response_type: 'code', response_mode: 'query', code_challenge: s256(VERIFIER), code_challenge_method: 'S256', state: 'st-1', ...p });
  return `${md.authorization_endpoint}?${q}`;
}

/** The login page's form handle and CSRF cookie, as a browser would hold them. */
async function openPage(url: string): Promise<{ request: string; csrf: string; cookie: string; html: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 200);
  const html = await res.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
  return { request: field('request'), csrf: field('csrf'), cookie: res.headers.get('set-cookie')!.split(';')[0]!, html };
}

async function postForm(url: string, form: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams(form).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
  });
}

/** Signs in on the page with raw requests; the callback URL the browser is sent to. */
async function signIn(clientId: string, device: string, user = 'alice', password = 'alice-pw', extra: Record<string, string> = {}): Promise<URL> {
  const page = await openPage(authorizeUrl({ client_id: clientId, redirect_uri: NATIVE_REDIRECT, scope: scope(device), ...extra }));
  const res = await postForm(md.authorization_endpoint!, { request: page.request, csrf: page.csrf, username: user, password, action: 'allow' }, page.cookie);
  assert.equal(res.status, 302, await res.clone().text());
  return new URL(res.headers.get('location')!);
}

async function tokenRequest(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await postForm(md.token_endpoint!, form);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

const codeGrant = (clientId: string, code: string, verifier = VERIFIER) =>
  tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: NATIVE_REDIRECT, client_id: clientId, code_verifier: verifier });

/** A Web Storage over a Map. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    get length() { return items.size; },
    key: (i: number) => [...items.keys()][i] ?? null,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => { items.set(k, String(v)); },
    removeItem: (k: string) => { items.delete(k); },
    clear: () => items.clear(),
  };
}

/** What a browser gives oidc-client-ts: the page's origin and web storage (test-only globals). */
function browserGlobals(origin: string): void {
  const sessionStorage = memoryStorage();
  const localStorage = memoryStorage();
  Object.assign(globalThis, { window: { location: { origin }, sessionStorage, localStorage }, sessionStorage, localStorage });
}

describe('OAuth 2.0 API', () => {
  test('matrix-js-sdk (Element Web) signs in with its own OIDC helpers, syncs, and refreshes its expired token through OidcTokenRefresher', async () => {
    browserGlobals('https://app.element.io');
    const bare = sdk.createClient({ baseUrl: server.matrixUrl, logger: quiet });
    const meta = await bare.getAuthMetadata();
    assert.equal(meta.signingKeys?.length, 1);
    const redirectUri = 'https://app.element.io/';
    const clientId = await sdk.registerOidcClient(meta, {
      clientName: 'Element', clientUri: 'https://app.element.io/', redirectUris: [redirectUri], applicationType: 'web', contacts: [],
      tosUri: 'https://app.element.io/terms', policyUri: 'https://app.element.io/privacy',
    });
    const nonce = 'nonce-1234';
    const url = await sdk.generateOidcAuthorizationUrl({ metadata: meta, redirectUri, clientId, homeserverUrl: server.matrixUrl, nonce });
    // The user signs in on the page the client opened; the browser comes back to the redirect URI.
    const page = await openPage(url);
    assert.match(page.html, /Element/);
    const done = await postForm(md.authorization_endpoint!, { request: page.request, csrf: page.csrf, username: 'alice', password: 'alice-pw', action: 'allow' }, page.cookie);
    const cb = new URL(done.headers.get('location')!);
    assert.equal(`${cb.origin}${cb.pathname}`, redirectUri);
    const result = await sdk.completeAuthorizationCodeGrant(cb.searchParams.get('code')!, cb.searchParams.get('state')!);
    assert.equal(result.homeserverUrl, server.matrixUrl);
    assert.equal(result.idTokenClaims.sub, '@alice:localhost');
    const deviceId = /device:(\S+)/.exec(result.tokenResponse.scope)![1]!;
    const refresher = new sdk.OidcTokenRefresher(result.oidcClientSettings.issuer, clientId, redirectUri, deviceId, result.idTokenClaims);
    await refresher.oidcClientReady;
    const client = sdk.createClient({
      baseUrl: server.matrixUrl, userId: '@alice:localhost', deviceId, logger: quiet,
      accessToken: result.tokenResponse.access_token, refreshToken: result.tokenResponse.refresh_token,
      tokenRefreshFunction: (token) => refresher.doRefreshAccessToken(token),
    });
    const prepared = new Promise<void>((resolve) => client.on(sdk.ClientEvent.Sync, (st) => { if (st === sdk.SyncState.Prepared) resolve(); }));
    await client.startClient({ initialSyncLimit: 1 });
    const realNow = Date.now;
    try {
      await prepared;
      assert.deepEqual(await client.whoami(), { user_id: '@alice:localhost', device_id: deviceId, is_guest: false });
      // Past the access token's lifetime (300 s, on the server's clock in this process): the
      // server says soft_logout, the client refreshes through the token endpoint and goes on.
      const before = client.getAccessToken();
      Date.now = () => realNow() + 400_000;
      const room = await client.createRoom({ name: 'signed in with OAuth' });
      assert.match(room.room_id, /^!/);
      assert.notEqual(client.getAccessToken(), before);
      assert.equal((await client.whoami()).device_id, deviceId);
    } finally {
      Date.now = realNow;
      client.stopClient();
    }
  });

  test('discovery on the stable and unstable paths; matrix-js-sdk registers a client with its own helper', async () => {
    // matrix-js-sdk 37 asks MSC2965's unstable path; the answer is the same document.
    const unstable = await (await fetch(`${server.matrixUrl}/_matrix/client/unstable/org.matrix.msc2965/auth_metadata`)).json();
    assert.deepEqual(unstable, md);
    assert.equal(md.issuer, `${server.matrixUrl}/`);
    assert.deepEqual(md.grant_types_supported, ['authorization_code', 'refresh_token']);
    assert.deepEqual(md.code_challenge_methods_supported, ['S256']);
    const clientId = await sdk.registerOidcClient(md as never, {
      clientName: 'Element', clientUri: 'https://app.element.io/', redirectUris: ['https://app.element.io/'], applicationType: 'web',
      tosUri: 'https://element.io/terms', policyUri: 'https://element.io/privacy', contacts: [],
    });
    assert.ok(clientId.length >= 16);
  });

  test('a native client signs in on the login page, syncs with the token, refreshes it and logs out with revocation', async () => {
    const clientId = await nativeClient();
    const cb = await signIn(clientId, 'ELEMENTX001');
    assert.equal(`${cb.protocol}${cb.pathname}`, NATIVE_REDIRECT);
    assert.equal(cb.searchParams.get('state'), 'st-1');
    const { status, body } = await codeGrant(clientId, cb.searchParams.get('code')!);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, scope('ELEMENTX001'));
    assert.ok(Number(body.expires_in) > 0);
    const s = await startSession(server.matrixUrl, '@alice:localhost', String(body.access_token), 'ELEMENTX001');
    try {
      const who = await s.client.whoami();
      assert.equal(who.user_id, '@alice:localhost');
      assert.equal(who.device_id, 'ELEMENTX001');
      const devices = await s.client.getDevices();
      assert.equal(devices.devices.find((d) => d.device_id === 'ELEMENTX001')?.display_name, 'Element X');
      // Refresh: a new pair, the old refresh token spent.
      const r = await tokenRequest({ grant_type: 'refresh_token', refresh_token: String(body.refresh_token), client_id: clientId });
      assert.equal(r.status, 200);
      assert.notEqual(r.body.access_token, body.access_token);
      assert.equal(r.body.scope, scope('ELEMENTX001'));
      // The response was lost: retrying with the old token gives the same pair (spec MUST).
      const again = await tokenRequest({ grant_type: 'refresh_token', refresh_token: String(body.refresh_token), client_id: clientId });
      assert.deepEqual(again, r);
      s.client.setAccessToken(String(r.body.access_token));
      assert.equal((await s.client.whoami()).device_id, 'ELEMENTX001');
      // Revocation by refresh token ends the device: the access token stops working too.
      const rev = await postForm(md.revocation_endpoint!, { token: String(r.body.refresh_token), token_type_hint: 'refresh_token', client_id: clientId });
      assert.equal(rev.status, 200);
      const dead = await fetch(`${server.matrixUrl}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${r.body.access_token}` } });
      assert.equal(dead.status, 401);
      const refreshAfter = await tokenRequest({ grant_type: 'refresh_token', refresh_token: String(r.body.refresh_token), client_id: clientId });
      assert.deepEqual([refreshAfter.status, refreshAfter.body.error], [400, 'invalid_grant']);
      // Revoking again, or an unknown token, is 200 (RFC 7009 §2.2).
      assert.equal((await postForm(md.revocation_endpoint!, { token: String(r.body.access_token) })).status, 200);
    } finally {
      s.client.stopClient();
    }
  });

  test('an old refresh token used after its successor was used ends the session (two holders)', async () => {
    const clientId = await nativeClient();
    const first = await codeGrant(clientId, (await signIn(clientId, 'STOLENTOKEN1')).searchParams.get('code')!);
    const refresh = (t: unknown) => tokenRequest({ grant_type: 'refresh_token', refresh_token: String(t), client_id: clientId });
    const second = await refresh(first.body.refresh_token);
    const third = await refresh(second.body.refresh_token);
    assert.equal(third.status, 200);
    const stolen = await refresh(first.body.refresh_token);
    assert.deepEqual([stolen.status, stolen.body.error], [400, 'invalid_grant']);
    const who = await fetch(`${server.matrixUrl}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${third.body.access_token}` } });
    assert.equal(who.status, 401);
    assert.deepEqual((await refresh(third.body.refresh_token)).body.error, 'invalid_grant');
  });

  test('revoking an access token ends the session; signing in again with the same device id reuses it', async () => {
    const clientId = await nativeClient();
    const first = await codeGrant(clientId, (await signIn(clientId, 'REUSEDEVICE1')).searchParams.get('code')!);
    assert.equal((await postForm(md.revocation_endpoint!, { token: String(first.body.access_token), token_type_hint: 'access_token' })).status, 200);
    const whoFirst = await fetch(`${server.matrixUrl}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${first.body.access_token}` } });
    assert.equal(whoFirst.status, 401);
    const a = await codeGrant(clientId, (await signIn(clientId, 'REUSEDEVICE1')).searchParams.get('code')!);
    // response_mode=fragment: code and state in the fragment, none in the query.
    const frag = await signIn(clientId, 'REUSEDEVICE1', 'alice', 'alice-pw', { response_mode: 'fragment' });
    const fragParams = new URLSearchParams(frag.hash.slice(1));
    assert.equal(frag.search, '');
    assert.equal(fragParams.get('state'), 'st-1');
    const c = await codeGrant(clientId, fragParams.get('code')!);
    assert.equal(c.status, 200);
    const who = await (await fetch(`${server.matrixUrl}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${c.body.access_token}` } })).json() as { device_id: string };
    assert.equal(who.device_id, 'REUSEDEVICE1');
    // The device was replaced, not duplicated; its older token is gone.
    const old = await fetch(`${server.matrixUrl}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${a.body.access_token}` } });
    assert.equal(old.status, 401);
  });

  test('the login page in chromium: wrong password shown, then sign-in lands on the loopback redirect with code and state', async () => {
    const got: string[] = [];
    const cbServer: Server = createServer((req, res) => { if (req.url?.startsWith('/callback')) got.push(req.url); res.end('<p id="done">You can close this window.</p>'); });
    await new Promise<void>((r) => cbServer.listen(0, '127.0.0.1', () => r()));
    const port = (cbServer.address() as AddressInfo).port;
    let browser: Browser | undefined;
    try {
      const reg = await register({ client_name: 'Desktop <App>', client_uri: 'https://element.io/', redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native' });
      const clientId = ((await reg.json()) as { client_id: string }).client_id;
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
      const page = await browser.newPage();
      await page.goto(authorizeUrl({ client_id: clientId, redirect_uri: `http://127.0.0.1:${port}/callback`, scope: scope('BROWSERDEV1'), state: 'browser-state' }));
      assert.equal(await page.textContent('#client-name'), 'Desktop <App>');
      assert.equal(await page.textContent('#client-uri'), 'https://element.io/');
      await page.fill('#username', 'carol');
      await page.fill('#password', 'wrong');
      await page.click('button[value=allow]');
      assert.equal(await page.textContent('[role=alert]'), 'Invalid username or password.');
      assert.equal(await page.inputValue('#username'), 'carol');
      await page.fill('#password', 'carol-pw');
      await page.click('button[value=allow]');
      await page.waitForSelector('#done');
      const cb = new URL(page.url());
      assert.equal(cb.pathname, '/callback');
      assert.equal(cb.searchParams.get('state'), 'browser-state');
      assert.equal(got.length, 1);
      const t = await tokenRequest({ grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: `http://127.0.0.1:${port}/callback`, client_id: clientId, code_verifier: VERIFIER });
      assert.equal(t.status, 200, JSON.stringify(t.body));
    } finally {
      await browser?.close();
      cbServer.close();
    }
  });

  test('registration errors are RFC 7591 invalid_redirect_uri / invalid_client_metadata', async () => {
    const cases: [Record<string, unknown> | string, string][] = [
      [{ client_uri: 'https://element.io/', redirect_uris: ['https://evil.example/cb'] }, 'invalid_redirect_uri'],
      [{ client_uri: 'https://element.io/', redirect_uris: ['http://localhost:8080/cb'], application_type: 'native' }, 'invalid_redirect_uri'],
      [{ client_uri: 'https://element.io/', redirect_uris: ['element:/cb'], application_type: 'native' }, 'invalid_redirect_uri'],
      [{ client_uri: 'https://element.io/', redirect_uris: ['https://element.io/cb#f'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://element.io/cb'] }, 'invalid_client_metadata'],
      [{ client_uri: 'http://element.io/', redirect_uris: ['https://element.io/cb'] }, 'invalid_client_metadata'],
      [{ client_uri: 'https://element.io/', redirect_uris: ['https://element.io/cb'], token_endpoint_auth_method: 'client_secret_post' }, 'invalid_client_metadata'],
      ['{"client_uri":', 'invalid_client_metadata'],
    ];
    for (const [body, error] of cases) {
      const res = await fetch(md.registration_endpoint!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as { error: string }).error, error, JSON.stringify(body));
    }
    const big = await fetch(md.registration_endpoint!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ client_name: 'x'.repeat(20000) }) });
    assert.equal(big.status, 413);
  });

  test('authorisation errors: no redirect for an unknown client or redirect URI, RFC 6749 error redirects otherwise', async () => {
    const clientId = await nativeClient();
    const unknown = await fetch(authorizeUrl({ client_id: 'nope', redirect_uri: NATIVE_REDIRECT, scope: scope('ABCDEFGHIJ') }), { redirect: 'manual' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers.get('location'), null);
    for (const bad of ['https://evil.example/cb', 'io.element.app:/callback/x', 'io.element.app:/callback?x=1']) {
      const res = await fetch(authorizeUrl({ client_id: clientId, redirect_uri: bad, scope: scope('ABCDEFGHIJ') }), { redirect: 'manual' });
      assert.equal(res.status, 400, bad);
      assert.equal(res.headers.get('location'), null, bad);
    }
    const errorOf = async (p: Record<string, string>) => {
      const res = await fetch(authorizeUrl({ client_id: clientId, redirect_uri: NATIVE_REDIRECT, scope: scope('ABCDEFGHIJ'), ...p }), { redirect: 'manual' });
      assert.equal(res.status, 302);
      const loc = new URL(res.headers.get('location')!);
      assert.equal(`${loc.protocol}${loc.pathname}`, NATIVE_REDIRECT);
      assert.equal(loc.searchParams.get('state'), 'st-1');
      return loc.searchParams.get('error');
    };
    assert.equal(await errorOf({ response_type: 'token' }), 'unsupported_response_type');
    assert.equal(await errorOf({ code_challenge_method: 'plain' }), 'invalid_request');
    assert.equal(await errorOf({ code_challenge: '' }), 'invalid_request');
    assert.equal(await errorOf({ scope: 'openid' }), 'invalid_scope');
    assert.equal(await errorOf({ scope: `${scope('ABCDEFGHIJ')} urn:matrix:client:device:KLMNOPQRST` }), 'invalid_scope');
    assert.equal(await errorOf({ response_mode: 'form_post' }), 'invalid_request');
    // Cancel on the page: access_denied with the state.
    const page = await openPage(authorizeUrl({ client_id: clientId, redirect_uri: NATIVE_REDIRECT, scope: scope('ABCDEFGHIJ') }));
    const deny = await postForm(md.authorization_endpoint!, { request: page.request, csrf: page.csrf, action: 'deny' }, page.cookie);
    const loc = new URL(deny.headers.get('location')!);
    assert.deepEqual([loc.searchParams.get('error'), loc.searchParams.get('state')], ['access_denied', 'st-1']);
  });

  test('a locked account cannot sign in on the page, nor redeem a code issued before the lock', async () => {
    const clientId = await nativeClient();
    const cb = await signIn(clientId, 'LOCKEDDEV01', 'erin', 'erin-pw');
    server.core.accounts.setRestriction('erin', 'locked', true);
    const t = await codeGrant(clientId, cb.searchParams.get('code')!);
    assert.deepEqual([t.status, t.body.error], [400, 'invalid_grant']);
    const page = await openPage(authorizeUrl({ client_id: clientId, redirect_uri: NATIVE_REDIRECT, scope: scope('LOCKEDDEV01') }));
    const res = await postForm(md.authorization_endpoint!, { request: page.request, csrf: page.csrf, username: 'erin', password: 'erin-pw', action: 'allow' }, page.cookie);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /This account is locked/);
  });

  test('the login form: CSRF cookie required, deactivated accounts refused, rate limited', async () => {
    const clientId = await nativeClient();
    const page = await openPage(authorizeUrl({ client_id: clientId, redirect_uri: NATIVE_REDIRECT, scope: scope('ABCDEFGHIJ') }));
    assert.match(page.cookie, /^hearth_oauth_/);
    const form = { request: page.request, csrf: page.csrf, username: 'bob', password: 'bob-pw', action: 'allow' };
    assert.equal((await postForm(md.authorization_endpoint!, form)).status, 403);
    assert.equal((await postForm(md.authorization_endpoint!, { ...form, csrf: 'x'.repeat(43) }, page.cookie)).status, 403);
    server.core.accounts.deactivate('gone');
    const goneRes = await postForm(md.authorization_endpoint!, { ...form, username: 'gone', password: 'gone-pw' }, page.cookie);
    assert.equal(goneRes.status, 400);
    assert.match(await goneRes.text(), /Invalid username or password/);
    let limited = 0;
    for (let i = 0; i < 15 && limited === 0; i++) {
      const res = await postForm(md.authorization_endpoint!, { ...form, password: 'wrong' }, page.cookie);
      if (res.status === 429) limited++;
    }
    assert.equal(limited, 1);
  });

  test('token errors: wrong verifier, reused code, wrong client, wrong redirect, expired code, bad grant and malformed bodies', async () => {
    const clientId = await nativeClient();
    const other = await nativeClient();
    const codeOf = async () => (await signIn(clientId, 'TOKENERRS01', 'dave', 'dave-pw')).searchParams.get('code')!;
    const err = (r: { status: number; body: Record<string, unknown> }) => [r.status, r.body.error];
    assert.deepEqual(err(await codeGrant(clientId, await codeOf(), `${VERIFIER}x`)), [400, 'invalid_grant']);
    const code = await codeOf();
    assert.deepEqual(err(await codeGrant(other, code)), [400, 'invalid_grant']);
    // A code is spent by any attempt, so even the right client is refused now.
    assert.deepEqual(err(await codeGrant(clientId, code)), [400, 'invalid_grant']);
    const good = await codeOf();
    const issued = await codeGrant(clientId, good);
    assert.equal(issued.status, 200);
    assert.deepEqual(err(await codeGrant(clientId, good)), [400, 'invalid_grant']);
    // A code presented again: the session it made ends too (RFC 6749 §4.1.2).
    const who = await fetch(`${server.matrixUrl}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${issued.body.access_token}` } });
    assert.equal(who.status, 401);
    assert.deepEqual(err(await tokenRequest({ grant_type: 'authorization_code', code: await codeOf(), redirect_uri: 'io.element.app:/other', client_id: clientId, code_verifier: VERIFIER })), [400, 'invalid_grant']);
    assert.deepEqual(err(await codeGrant('unknown-client', await codeOf())), [401, 'invalid_client']);
    assert.deepEqual(err(await tokenRequest({ grant_type: 'password', client_id: clientId })), [400, 'unsupported_grant_type']);
    assert.deepEqual(err(await tokenRequest({ grant_type: 'authorization_code', client_id: clientId })), [400, 'invalid_request']);
    assert.deepEqual(err(await tokenRequest({ grant_type: 'refresh_token', client_id: clientId, refresh_token: 'hearthr_nope' })), [400, 'invalid_grant']);
    const dup = await fetch(md.token_endpoint!, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&grant_type=authorization_code&client_id=x' });
    assert.deepEqual([dup.status, ((await dup.json()) as { error: string }).error], [400, 'invalid_request']);
    const json = await fetch(md.token_endpoint!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"grant_type":"refresh_token"}' });
    assert.deepEqual([json.status, ((await json.json()) as { error: string }).error], [400, 'invalid_request']);
    const big = await fetch(md.token_endpoint!, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `code=${'a'.repeat(100000)}` });
    assert.equal(big.status, 413);
    assert.deepEqual(err(await tokenRequest({})), [400, 'invalid_request']);
    // Expiry: 60 s, on the server's clock.
    const late = await codeOf();
    const realNow = Date.now;
    Date.now = () => realNow() + 61_000;
    try {
      assert.deepEqual(err(await codeGrant(clientId, late)), [400, 'invalid_grant']);
    } finally {
      Date.now = realNow;
    }
  });
});
