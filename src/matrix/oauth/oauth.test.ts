import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRedirectUri, matchRedirectUri, RegistrationError, validateClientMetadata } from './client-metadata.js';
import { authMetadata } from './metadata.js';
import { s256, validChallenge, verifyPkce } from './pkce.js';
import { parseScope } from './scope.js';
import { OAuthStore } from './store.js';
import { escapeHtml } from './page.js';

const refused = (fn: () => unknown, error: string) =>
  assert.throws(fn, (e: unknown) => e instanceof RegistrationError && e.error === error);

test('redirect URIs: the spec examples for client_uri https://example.com/', () => {
  // Web clients.
  for (const ok of ['https://example.com/callback', 'https://app.example.com/callback', 'https://example.com:5173/?query=value']) {
    checkRedirectUri(ok, 'example.com', 'web');
  }
  for (const bad of ['https://example.com/callback#fragment', 'http://example.com/callback', 'http://localhost/', 'https://app.com/callback',
    'https://evilexample.com/cb', 'https://user:pw@example.com/cb', 'com.example.app:/callback']) {
    refused(() => checkRedirectUri(bad, 'example.com', 'web'), 'invalid_redirect_uri');
  }
  // Native clients.
  for (const ok of ['com.example.app:/callback', 'com.example:/', 'com.example:callback', 'http://localhost/callback',
    'http://127.0.0.1/callback', 'http://[::1]/callback', 'https://example.com/callback']) {
    checkRedirectUri(ok, 'example.com', 'native');
  }
  for (const bad of ['example:/callback', 'com.example.app://callback', 'https://localhost/callback', 'http://localhost:1234/callback',
    'http://localhost:/cb', 'http://192.168.1.2/cb', 'com.examplex:/cb', 'com.example:/cb#x', 'not a uri']) {
    refused(() => checkRedirectUri(bad, 'example.com', 'native'), 'invalid_redirect_uri');
  }
});

test('client metadata: https client_uri required, other URIs on its host, only public clients', () => {
  const base = { client_uri: 'https://example.com/', redirect_uris: ['https://example.com/cb'] };
  const meta = validateClientMetadata({ ...base, client_name: 'App', grant_types: ['authorization_code', 'refresh_token', 'urn:x'], response_types: ['code', 'token'] });
  assert.deepEqual(meta.grant_types, ['authorization_code', 'refresh_token']);
  assert.equal(meta.client_name, 'App');
  assert.equal(meta.application_type, 'web');
  refused(() => validateClientMetadata({ redirect_uris: base.redirect_uris }), 'invalid_client_metadata');
  refused(() => validateClientMetadata({ ...base, client_uri: 'http://example.com/' }), 'invalid_client_metadata');
  refused(() => validateClientMetadata({ ...base, client_uri: 'https://u:p@example.com/' }), 'invalid_client_metadata');
  refused(() => validateClientMetadata({ ...base, logo_uri: 'https://cdn.other.org/logo.png' }), 'invalid_client_metadata');
  refused(() => validateClientMetadata({ ...base, token_endpoint_auth_method: 'client_secret_basic' }), 'invalid_client_metadata');
  refused(() => validateClientMetadata({ ...base, application_type: 'desktop' }), 'invalid_client_metadata');
  refused(() => validateClientMetadata({ ...base, grant_types: ['refresh_token'] }), 'invalid_client_metadata');
  refused(() => validateClientMetadata({ ...base, response_types: 'code' }), 'invalid_client_metadata');
  refused(() => validateClientMetadata({ ...base, redirect_uris: [] }), 'invalid_redirect_uri');
  refused(() => validateClientMetadata({ ...base, redirect_uris: [7] }), 'invalid_client_metadata');
  refused(() => validateClientMetadata([base]), 'invalid_client_metadata');
  refused(() => validateClientMetadata(null), 'invalid_client_metadata');
});

test('redirect matching is exact, except for the port of a loopback URI', () => {
  const reg = ['https://example.com/cb', 'http://127.0.0.1/cb', 'http://localhost/'];
  assert.equal(matchRedirectUri('https://example.com/cb', reg), 'https://example.com/cb');
  assert.equal(matchRedirectUri('https://example.com/cb/', reg), null);
  assert.equal(matchRedirectUri('https://example.com/cb?x=1', reg), null);
  assert.equal(matchRedirectUri('https://example.com:444/cb', reg), null);
  assert.equal(matchRedirectUri('http://127.0.0.1:53124/cb', reg), 'http://127.0.0.1:53124/cb');
  assert.equal(matchRedirectUri('http://localhost:8080/', reg), 'http://localhost:8080/');
  assert.equal(matchRedirectUri('http://127.0.0.1:53124/other', reg), null);
  assert.equal(matchRedirectUri('http://127.0.0.1:99999/cb', reg), null);
  assert.equal(matchRedirectUri('http://127.0.0.1.evil.com:80/cb', reg), null);
});

test('PKCE S256: the RFC 7636 appendix B example, and malformed verifiers', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  assert.equal(s256(verifier), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  assert.ok(validChallenge('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
  assert.ok(!validChallenge('short'));
  assert.ok(verifyPkce(verifier, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
  assert.ok(!verifyPkce(`${verifier}x`, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
  assert.ok(!verifyPkce('too-short', s256('too-short')));
  assert.ok(!verifyPkce('a'.repeat(129), s256('a'.repeat(129))));
});

test('scope: API access and exactly one device, stable or MSC2967 spelling', () => {
  assert.deepEqual(parseScope('urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ'),
    { ok: true, deviceId: 'ABCDEFGHIJ', scope: 'urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ', openid: false });
  const js = parseScope('openid urn:matrix:org.matrix.msc2967.client:api:* urn:matrix:org.matrix.msc2967.client:device:abc-DEF.123');
  assert.ok(js.ok && js.deviceId === 'abc-DEF.123' && js.openid);
  assert.equal(js.scope, 'openid urn:matrix:org.matrix.msc2967.client:api:* urn:matrix:org.matrix.msc2967.client:device:abc-DEF.123');
  for (const bad of [null, '', 'urn:matrix:client:device:ABCDEFGHIJ', 'urn:matrix:client:api:*',
    'urn:matrix:client:api:* urn:matrix:client:device:A urn:matrix:client:device:B',
    'urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ urn:matrix:client:device:KLMNOPQRST',
    'urn:matrix:client:api:* urn:matrix:client:device:short', 'urn:matrix:client:api:* urn:matrix:client:device:has/slash123',
    'urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ urn:matrix:client:admin', 'urn:matrix:client:api:* "q"']) {
    assert.equal(parseScope(bad).ok, false, String(bad));
  }
});

test('metadata names every endpoint the spec requires, PKCE S256 only', () => {
  const md = authMetadata('https://hs.example.org');
  assert.equal(md.issuer, 'https://hs.example.org/');
  for (const k of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint']) {
    assert.match(String(md[k]), /^https:\/\/hs\.example\.org\/_hearth\/oauth2\//);
  }
  assert.deepEqual(md.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(md.response_modes_supported, ['query', 'fragment']);
  assert.equal(md.prompt_values_supported, undefined);
});

test('codes are single use and expire after 60 s', () => {
  let now = 1000;
  const store = new OAuthStore(() => now);
  const grant = { clientId: 'c', redirectUri: 'r', codeChallenge: 'x', userId: '@a:h', deviceId: 'D', scope: 's', nonce: null, openid: false, authTime: 0 };
  const code = store.issueCode(grant);
  assert.equal(store.takeCode(code)?.userId, '@a:h');
  assert.equal(store.takeCode(code), null);
  const late = store.issueCode(grant);
  now += 60_001;
  assert.equal(store.takeCode(late), null);
});

test('the login page escapes what clients and users send', () => {
  assert.equal(escapeHtml(`<a href="x">'&`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
});

test('ID tokens are RS256 JWS that the published key verifies, with the OIDC claims', async () => {
  const { createPublicKey, createVerify } = await import('node:crypto');
  const { IdTokenSigner, idTokenClaims } = await import('./id-token.js');
  const signer = new IdTokenSigner();
  const jwt = signer.sign(idTokenClaims({ issuer: 'https://hs/', userId: '@a:hs', clientId: 'c1', nonce: 'n', authTime: 1_000_000, now: 2_000_000 }));
  const [h, p, sig] = jwt.split('.');
  const key = createPublicKey({ key: signer.jwks().keys[0] as never, format: 'jwk' });
  assert.ok(createVerify('RSA-SHA256').update(`${h}.${p}`).verify(key, Buffer.from(sig!, 'base64url')));
  assert.deepEqual(JSON.parse(Buffer.from(h!, 'base64url').toString()), { alg: 'RS256', typ: 'JWT', kid: signer.kid });
  assert.deepEqual(JSON.parse(Buffer.from(p!, 'base64url').toString()), { iss: 'https://hs/', sub: '@a:hs', aud: 'c1', iat: 2000, exp: 2300, auth_time: 1000, nonce: 'n' });
});
