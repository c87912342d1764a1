// Rate limits: 429 M_LIMIT_EXCEEDED with retry_after_ms after the burst, per account and per
// address, on login, registration and sending; and switched off entirely by config.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3, enc, type Reply } from './matrix-fetch.js';
import { sdk, quiet } from './clients/matrix-sdk.js';

// Slow refill so nothing comes back during a test, however loaded the machine.
const slow = (burst: number) => ({ per_second: 0.001, burst });

function assertLimited(r: Reply): void {
  assertError(r, 429, 'M_LIMIT_EXCEEDED');
  assert.ok(Number.isInteger(r.json.retry_after_ms) && r.json.retry_after_ms > 0, JSON.stringify(r.json));
  assert.equal(r.headers.get('retry-after'), String(Math.ceil(r.json.retry_after_ms / 1000)));
}

describe('rate limits on', () => {
  let server: TestServer;
  const { call, ok, login } = matrixFetch(() => server.matrixUrl);
  before(async () => {
    server = await startTestServer({
      extra: {
        matrix: {
          client_listen: '127.0.0.1:0',
          registration: { enabled: true },
          rate_limits: { login: slow(2), registration: slow(2), message: slow(3) },
        },
      },
    });
    for (const u of ['alice', 'bob', 'carol']) await server.addUser(u);
  });
  after(() => server.destroy());

  test('logins: the third attempt on one account is refused, right password or not', async () => {
    assert.equal((await login('alice', 'wrong')).status, 403);
    assert.equal((await login('alice')).status, 200);
    assertLimited(await login('alice'));
    // Another account from the same address still has its own budget (the address's is larger).
    assert.equal((await login('bob')).status, 200);
  });

  test('registration: the address gets its burst, then 429', async () => {
    const reg = (username: string) => call('POST', `${v3}/register`, { body: { username, password: 'p', auth: { type: 'm.login.dummy' } } });
    assert.equal((await reg('r1')).status, 200);
    assert.equal((await reg('r2')).status, 200);
    assertLimited(await reg('r3'));
  });

  test('sending: 429 after the burst, per account; matrix-js-sdk sees M_LIMIT_EXCEEDED', async () => {
    const carol = (await login('carol')).json;
    const room = await ok('POST', `${v3}/createRoom`, { token: carol.access_token, body: {} });
    const send = (i: number) => call('PUT', `${v3}/rooms/${enc(room.room_id)}/send/m.room.message/t${i}`, { token: carol.access_token, body: { msgtype: 'm.text', body: `m${i}` } });
    for (let i = 0; i < 3; i++) assert.equal((await send(i)).status, 200);
    assertLimited(await send(3));
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: carol.access_token, userId: carol.user_id, logger: quiet });
    await assert.rejects(
      client.http.authedRequest(sdk.Method.Put, `/rooms/${enc(room.room_id)}/send/m.room.message/sdk1`, undefined, { msgtype: 'm.text', body: 'x' }),
      (err: { errcode?: string; httpStatus?: number }) => err.errcode === 'M_LIMIT_EXCEEDED' && err.httpStatus === 429,
    );
  });
});

describe('rate limits off', () => {
  let server: TestServer;
  const { call, ok, login } = matrixFetch(() => server.matrixUrl);
  before(async () => {
    server = await startTestServer({
      extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false, login: slow(1), message: slow(1) } } },
    });
    await server.addUser('alice');
  });
  after(() => server.destroy());

  test('no burst limit applies when switched off', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await login('alice')).status, 200);
    const alice = (await login('alice')).json;
    const room = await ok('POST', `${v3}/createRoom`, { token: alice.access_token, body: {} });
    for (let i = 0; i < 10; i++) {
      const r = await call('PUT', `${v3}/rooms/${enc(room.room_id)}/send/m.room.message/t${i}`, { token: alice.access_token, body: { msgtype: 'm.text', body: `m${i}` } });
      assert.equal(r.status, 200);
    }
  });
});

test('rate limit options are validated', async () => {
  await assert.rejects(startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { login: { per_second: -1 } } } } }), /per_second/);
});
