// Registration, UIA, password change, deactivation, refresh tokens and m.login.token, over raw
// HTTP and with matrix-js-sdk where it has the call.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3 } from './matrix-fetch.js';
import { sdk, quiet } from './clients/matrix-sdk.js';
import { ImClient } from './xmpp-im-support/im-client.js';

const v1 = '/_matrix/client/v1';

describe('registration closed (the default)', () => {
  let server: TestServer;
  const { call } = matrixFetch(() => server.matrixUrl);
  before(async () => { server = await startTestServer(); });
  after(() => server.destroy());

  test('POST /register and /register/available answer 403', async () => {
    assertError(await call('POST', `${v3}/register`, { body: { username: 'x', password: 'p', auth: { type: 'm.login.dummy' } } }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v3}/register/available?username=x`), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v1}/register/m.login.registration_token/validity?token=x`), 403, 'M_FORBIDDEN');
  });
});

describe('open registration', () => {
  let server: TestServer;
  const { call, ok } = matrixFetch(() => server.matrixUrl);
  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', registration: { enabled: true, access_token_lifetime_ms: 1000 }, rate_limits: { enabled: false } } } });
    await server.addUser('taken');
  });
  after(() => server.destroy());

  test('a request without auth gets the dummy flow, then registers with it', async () => {
    const first = await call('POST', `${v3}/register`, { body: { username: 'newbie', password: 'pw1' } });
    assert.equal(first.status, 401);
    assert.deepEqual(first.json.flows, [{ stages: ['m.login.dummy'] }]);
    assert.equal(typeof first.json.session, 'string');
    const done = await ok('POST', `${v3}/register`, { body: { username: 'newbie', password: 'pw1', auth: { type: 'm.login.dummy', session: first.json.session } } });
    assert.equal(done.user_id, '@newbie:localhost');
    assert.equal((await ok('GET', `${v3}/account/whoami`, { token: done.access_token })).user_id, '@newbie:localhost');
  });

  test('matrix-js-sdk registers with the dummy stage', async () => {
    const client = sdk.createClient({ baseUrl: server.matrixUrl, logger: quiet });
    const res = await client.register('sdkuser', 'pw-sdk', null, { type: 'm.login.dummy' });
    assert.equal(res.user_id, '@sdkuser:localhost');
    assert.ok(res.access_token);
  });

  test('taken, invalid and reserved names are refused', async () => {
    const reg = (username: unknown) => call('POST', `${v3}/register`, { body: { username, password: 'p', auth: { type: 'm.login.dummy' } } });
    assertError(await reg('taken'), 400, 'M_USER_IN_USE');
    assertError(await reg('Upper'), 400, 'M_INVALID_USERNAME');
    assertError(await reg('has space'), 400, 'M_INVALID_USERNAME');
    assertError(await reg('_xmpp_bob'), 400, 'M_INVALID_USERNAME');
    assertError(await reg(''), 400, 'M_INVALID_USERNAME');
    assertError(await reg(5), 400, 'M_BAD_JSON');
    assertError(await call('GET', `${v3}/register/available?username=taken`), 400, 'M_USER_IN_USE');
    assertError(await call('GET', `${v3}/register/available?username=B%20ad`), 400, 'M_INVALID_USERNAME');
    assertError(await call('GET', `${v3}/register/available`), 400, 'M_MISSING_PARAM');
    assert.deepEqual((await ok('GET', `${v3}/register/available?username=free`)), { available: true });
  });

  test('bad bodies: guests, a missing password, a bad auth dict, an unknown session', async () => {
    assertError(await call('POST', `${v3}/register?kind=guest`, { body: {} }), 403, 'M_GUEST_ACCESS_FORBIDDEN');
    assertError(await call('POST', `${v3}/register?kind=robot`, { body: {} }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${v3}/register`, { body: { username: 'nopw' } }), 400, 'M_MISSING_PARAM');
    assertError(await call('POST', `${v3}/register`, { raw: '[1]' }), 400, 'M_BAD_JSON');
    assertError(await call('POST', `${v3}/register`, { body: { username: 'a1', password: 'p', auth: 'dummy' } }), 400, 'M_BAD_JSON');
    assertError(await call('POST', `${v3}/register`, { body: { username: 'a1', password: 'p', auth: { type: 'm.login.dummy', session: 'nope' } } }), 400, 'M_UNKNOWN');
    const wrongStage = await call('POST', `${v3}/register`, { body: { username: 'a1', password: 'p', auth: { type: 'm.login.registration_token', token: 'x' } } });
    assert.equal(wrongStage.status, 401);
    assert.equal(wrongStage.json.errcode, 'M_UNRECOGNIZED');
  });

  test('an account registered on Matrix logs in over XMPP with the same password, and after a change with the new one', async () => {
    const r = await ok('POST', `${v3}/register`, { body: { username: 'both', password: 'pw-both', auth: { type: 'm.login.dummy' } } });
    const xmpp = await ImClient.login(server.xmppPorts.starttls!, 'both', 'pw-both', 'phone');
    await xmpp.stop();
    const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'both' }, password: 'pw-both' };
    await ok('POST', `${v3}/account/password`, { token: r.access_token, body: { new_password: 'pw-new', auth } });
    const again = await ImClient.login(server.xmppPorts.starttls!, 'both', 'pw-new', 'phone');
    await again.stop();
  });

  test('inhibit_login creates the account without a session; a generated name when none is given', async () => {
    const r = await ok('POST', `${v3}/register`, { body: { username: 'quiet', password: 'p', inhibit_login: true, auth: { type: 'm.login.dummy' } } });
    assert.equal(r.user_id, '@quiet:localhost');
    assert.equal(r.access_token, undefined);
    const anon = await ok('POST', `${v3}/register`, { body: { password: 'p', auth: { type: 'm.login.dummy' } } });
    assert.match(anon.user_id, /^@user[0-9a-f]+:localhost$/);
  });

  test('refresh tokens: the access token expires, /refresh gives a new pair once', async () => {
    const r = await ok('POST', `${v3}/register`, { body: { username: 'fresh', password: 'p', refresh_token: true, auth: { type: 'm.login.dummy' } } });
    assert.equal(r.expires_in_ms, 1000);
    assert.equal(typeof r.refresh_token, 'string');
    await ok('GET', `${v3}/account/whoami`, { token: r.access_token });
    await new Promise((res) => setTimeout(res, 1100));
    const expired = await call('GET', `${v3}/account/whoami`, { token: r.access_token });
    assertError(expired, 401, 'M_UNKNOWN_TOKEN');
    assert.equal(expired.json.soft_logout, true);
    const next = await ok('POST', `${v3}/refresh`, { body: { refresh_token: r.refresh_token } });
    assert.equal(typeof next.access_token, 'string');
    assert.equal(next.expires_in_ms, 1000);
    assert.equal((await ok('GET', `${v3}/account/whoami`, { token: next.access_token })).device_id, r.device_id);
    assertError(await call('POST', `${v3}/refresh`, { body: { refresh_token: r.refresh_token } }), 401, 'M_UNKNOWN_TOKEN');
    assertError(await call('POST', `${v3}/refresh`, { body: {} }), 400, 'M_MISSING_PARAM');
    // Logging out ends the refresh token too.
    await ok('POST', `${v3}/logout`, { token: next.access_token });
    assertError(await call('POST', `${v3}/refresh`, { body: { refresh_token: next.refresh_token } }), 401, 'M_UNKNOWN_TOKEN');
  });
});

describe('token-authenticated registration', () => {
  let server: TestServer;
  const { call, ok } = matrixFetch(() => server.matrixUrl);
  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', registration: { enabled: true, require_token: true } } } });
    server.core.storage.registrationTokens.create('once', 1, null, Date.now());
  });
  after(() => server.destroy());

  test('the token flow is offered; a wrong token is M_FORBIDDEN in a 401; a good one is used up', async () => {
    const first = await call('POST', `${v3}/register`, { body: { username: 'tok1', password: 'p' } });
    assert.deepEqual(first.json.flows, [{ stages: ['m.login.registration_token'] }]);
    const session = first.json.session;
    const bad = await call('POST', `${v3}/register`, { body: { username: 'tok1', password: 'p', auth: { type: 'm.login.registration_token', token: 'wrong', session } } });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.errcode, 'M_FORBIDDEN');
    assert.equal(bad.json.session, session);
    assertError(await call('POST', `${v3}/register`, { body: { username: 'tok1', password: 'p', auth: { type: 'm.login.dummy' } } }), 401, 'M_UNRECOGNIZED');
    assert.deepEqual(await ok('GET', `/_matrix/client/v1/register/m.login.registration_token/validity?token=once`), { valid: true });
    await ok('POST', `${v3}/register`, { body: { username: 'tok1', password: 'p', auth: { type: 'm.login.registration_token', token: 'once', session } } });
    assert.deepEqual(await ok('GET', `/_matrix/client/v1/register/m.login.registration_token/validity?token=once`), { valid: false });
    const again = await call('POST', `${v3}/register`, { body: { username: 'tok2', password: 'p', auth: { type: 'm.login.registration_token', token: 'once' } } });
    assert.equal(again.json.errcode, 'M_FORBIDDEN');
  });
});

describe('account management behind UIA', () => {
  let server: TestServer;
  const { call, ok, login } = matrixFetch(() => server.matrixUrl);
  before(async () => {
    server = await startTestServer();
    for (const u of ['alice', 'bob', 'carol']) await server.addUser(u);
  });
  after(() => server.destroy());

  test('password change: 401 flows, wrong password M_FORBIDDEN, then other devices are logged out', async () => {
    const a1 = (await login('alice')).json;
    const a2 = (await login('alice')).json;
    const body = { new_password: 'new-pw' };
    const first = await call('POST', `${v3}/account/password`, { token: a1.access_token, body });
    assert.equal(first.status, 401);
    assert.deepEqual(first.json.flows, [{ stages: ['m.login.password'] }]);
    const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, session: first.json.session };
    const wrong = await call('POST', `${v3}/account/password`, { token: a1.access_token, body: { ...body, auth: { ...auth, password: 'nope' } } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.errcode, 'M_FORBIDDEN');
    // Someone else's password does not pass alice's UIA.
    const other = await call('POST', `${v3}/account/password`, { token: a1.access_token, body: { ...body, auth: { ...auth, identifier: { type: 'm.id.user', user: 'bob' }, password: 'secret-pw' } } });
    assert.equal(other.json.errcode, 'M_FORBIDDEN');
    await ok('POST', `${v3}/account/password`, { token: a1.access_token, body: { ...body, auth: { ...auth, password: 'secret-pw' } } });
    await ok('GET', `${v3}/account/whoami`, { token: a1.access_token });
    assertError(await call('GET', `${v3}/account/whoami`, { token: a2.access_token }), 401, 'M_UNKNOWN_TOKEN');
    assertError(await login('alice'), 403, 'M_FORBIDDEN');
    assert.equal((await login('alice', 'new-pw')).status, 200);
    assertError(await call('POST', `${v3}/account/password`, { token: a1.access_token, body: {} }), 400, 'M_MISSING_PARAM');
  });

  test('matrix-js-sdk changes a password and deactivates with UIA', async () => {
    const res = (await login('carol')).json;
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: res.access_token, userId: res.user_id, logger: quiet });
    await client.setPassword({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'carol' }, password: 'secret-pw' }, 'carol-2');
    assert.equal((await login('carol', 'carol-2')).status, 200);
    await client.deactivateAccount({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'carol' }, password: 'carol-2' });
    assertError(await login('carol', 'carol-2'), 403, 'M_FORBIDDEN');
  });

  test('deactivation leaves rooms and ends sessions; the name stays taken', async () => {
    const bob = (await login('bob')).json;
    const alice = (await login('alice', 'new-pw')).json;
    const room = await ok('POST', `${v3}/createRoom`, { token: alice.access_token, body: { preset: 'public_chat' } });
    await ok('POST', `${v3}/join/${encodeURIComponent(room.room_id)}`, { token: bob.access_token, body: {} });
    const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'bob' }, password: 'secret-pw' };
    const r = await ok('POST', `${v3}/account/deactivate`, { token: bob.access_token, body: { auth } });
    assert.equal(r.id_server_unbind_result, 'no-support');
    const members = await ok('GET', `${v3}/rooms/${encodeURIComponent(room.room_id)}/joined_members`, { token: alice.access_token });
    assert.deepEqual(Object.keys(members.joined), ['@alice:localhost']);
    assertError(await call('GET', `${v3}/account/whoami`, { token: bob.access_token }), 401, 'M_UNKNOWN_TOKEN');
    assert.equal(server.core.accounts.get('bob')!.deactivated, true);
  });

  test('m.login.token: get_token behind UIA, the token logs in once', async () => {
    const alice = (await login('alice', 'new-pw')).json;
    const flows = await ok('GET', `${v3}/login`);
    const caps = await ok('GET', `${v3}/capabilities`, { token: alice.access_token });
    assert.deepEqual(caps.capabilities['m.get_login_token'], { enabled: true });
    assert.deepEqual(caps.capabilities['m.change_password'], { enabled: true });
    assert.ok(flows.flows.some((f: { type: string; get_login_token?: boolean }) => f.type === 'm.login.token' && f.get_login_token));
    assert.equal((await call('POST', `${v1}/login/get_token`, { token: alice.access_token, body: {} })).status, 401);
    const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'new-pw' };
    const t = await ok('POST', `${v1}/login/get_token`, { token: alice.access_token, body: { auth } });
    assert.ok(t.expires_in_ms > 0);
    const res = await ok('POST', `${v3}/login`, { body: { type: 'm.login.token', token: t.login_token } });
    assert.equal(res.user_id, '@alice:localhost');
    assertError(await call('POST', `${v3}/login`, { body: { type: 'm.login.token', token: t.login_token } }), 403, 'M_FORBIDDEN');
    assertError(await call('POST', `${v3}/login`, { body: { type: 'm.login.token' } }), 400, 'M_MISSING_PARAM');
  });
});
