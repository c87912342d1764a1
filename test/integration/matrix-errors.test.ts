// Bad input to the Client-Server API gets the spec's error, and the server keeps serving.
// Raw fetch, so that what is sent is exactly what a broken or hostile client would send.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3 } from './matrix-fetch.js';

let server: TestServer;
let alice: string;
let bob: string;
const { call, login } = matrixFetch(() => server.matrixUrl);

/** After every bad request: the server still answers a good one. */
async function stillServing(): Promise<void> {
  const r = await call('GET', `${v3}/account/whoami`, { token: alice });
  assert.equal(r.status, 200);
  assert.equal(r.json.user_id, '@alice:localhost');
}

async function createRoom(token: string, body: Record<string, unknown>): Promise<string> {
  const r = await call('POST', `${v3}/createRoom`, { token, body });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.room_id;
}

describe('Matrix API errors', () => {
  before(async () => {
    server = await startTestServer();
    await server.addUser('alice');
    await server.addUser('bob');
    alice = (await login('alice')).json.access_token;
    bob = (await login('@bob:localhost')).json.access_token;
  });
  after(async () => { await server.destroy(); });

  it('discovery endpoints answer without a token', async () => {
    const versions = await call('GET', '/_matrix/client/versions');
    assert.ok(versions.json.versions.includes('v1.1'));
    assert.equal(versions.headers.get('access-control-allow-origin'), '*');
    const flows = await call('GET', `${v3}/login`);
    assert.deepEqual(flows.json.flows, [{ type: 'm.login.password' }, { type: 'm.login.token', get_login_token: true }]);
    const wk = await call('GET', '/.well-known/matrix/client');
    assert.equal(wk.json['m.homeserver'].base_url, server.matrixUrl);
    const pre = await fetch(`${server.matrixUrl}${v3}/sync`, { method: 'OPTIONS' });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  });

  it('refuses a wrong password and a closed registration with M_FORBIDDEN', async () => {
    assertError(await login('alice', 'wrong'), 403, 'M_FORBIDDEN');
    assertError(await login('nobody'), 403, 'M_FORBIDDEN');
    assertError(await call('POST', `${v3}/register`, { body: { username: 'eve', password: 'x' } }), 403, 'M_FORBIDDEN');
    await stillServing();
  });

  it('needs a valid access token', async () => {
    assertError(await call('GET', `${v3}/account/whoami`), 401, 'M_MISSING_TOKEN');
    const bad = await call('GET', `${v3}/account/whoami`, { token: 'nope' });
    assertError(bad, 401, 'M_UNKNOWN_TOKEN');
    const viaQuery = await call('GET', `${v3}/account/whoami?access_token=${encodeURIComponent(alice)}`);
    assert.equal(viaQuery.json.user_id, '@alice:localhost');
    await stillServing();
  });

  it('answers bad bodies with M_NOT_JSON, M_BAD_JSON and M_TOO_LARGE', async () => {
    assertError(await call('POST', `${v3}/createRoom`, { token: alice, raw: '{"name": ' }), 400, 'M_NOT_JSON');
    assertError(await call('POST', `${v3}/createRoom`, { token: alice, raw: '[1,2]' }), 400, 'M_BAD_JSON');
    assertError(await call('POST', `${v3}/createRoom`, { token: alice, body: { name: 5 } }), 400, 'M_BAD_JSON');
    const huge = 'x'.repeat(server.config.matrix.max_request_bytes + 10);
    assertError(await call('POST', `${v3}/createRoom`, { token: alice, raw: JSON.stringify({ name: huge }) }), 413, 'M_TOO_LARGE');
    await stillServing();
  });

  it('refuses an event over 65,536 bytes with M_TOO_LARGE', async () => {
    const roomId = await createRoom(alice, { name: 'big' });
    const r = await call('PUT', `${v3}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/big1`, {
      token: alice, body: { msgtype: 'm.text', body: 'x'.repeat(70000) },
    });
    assertError(r, 413, 'M_TOO_LARGE');
    await stillServing();
  });

  it('enforces power levels and membership with M_FORBIDDEN', async () => {
    const roomId = await createRoom(alice, { preset: 'public_chat' });
    const room = `${v3}/rooms/${encodeURIComponent(roomId)}`;
    assert.equal((await call('POST', `${room}/join`, { token: bob })).status, 200);
    const pl = await call('GET', `${room}/state/m.room.power_levels/`, { token: bob });
    assert.equal(pl.status, 200);
    const r = await call('PUT', `${room}/state/m.room.power_levels/`, { token: bob, body: { ...pl.json, users: { '@bob:localhost': 100 } } });
    assertError(r, 403, 'M_FORBIDDEN');
    const priv = await createRoom(alice, { preset: 'private_chat' });
    const send = await call('PUT', `${v3}/rooms/${encodeURIComponent(priv)}/send/m.room.message/t1`, { token: bob, body: { msgtype: 'm.text', body: 'hi' } });
    assertError(send, 403, 'M_FORBIDDEN');
    assertError(await call('POST', `${v3}/rooms/${encodeURIComponent(priv)}/join`, { token: bob }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v3}/rooms/${encodeURIComponent(priv)}/messages?dir=b`, { token: bob }), 403, 'M_FORBIDDEN');
    await stillServing();
  });

  it('answers unknown endpoints with M_UNRECOGNIZED', async () => {
    assertError(await call('GET', `${v3}/no/such/endpoint`, { token: alice }), 404, 'M_UNRECOGNIZED');
    assertError(await call('GET', '/_matrix/client/r0/sync', { token: alice }), 404, 'M_UNRECOGNIZED');
    assertError(await call('DELETE', `${v3}/createRoom`, { token: alice }), 405, 'M_UNRECOGNIZED');
    await stillServing();
  });

  it('rejects bad parameters', async () => {
    assertError(await call('GET', `${v3}/rooms/notaroom/messages?dir=b`, { token: alice }), 400, 'M_INVALID_PARAM');
    const roomId = await createRoom(alice, {});
    const room = `${v3}/rooms/${encodeURIComponent(roomId)}`;
    assertError(await call('GET', `${room}/messages?dir=x`, { token: alice }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${room}/messages?dir=b&from=garbage`, { token: alice }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v3}/sync?since=garbage`, { token: alice }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v3}/sync?filter=%7Bbad`, { token: alice }), 400, 'M_NOT_JSON');
    assertError(await call('POST', `${v3}/createRoom`, { token: alice, body: { room_alias_name: 'a:b' } }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${v3}/createRoom`, { token: alice, body: { room_version: '999' } }), 400, 'M_UNSUPPORTED_ROOM_VERSION');
    await createRoom(alice, { room_alias_name: 'taken' });
    assertError(await call('POST', `${v3}/createRoom`, { token: alice, body: { room_alias_name: 'taken' } }), 400, 'M_ROOM_IN_USE');
    await stillServing();
  });

  it('returns the same event id when a transaction is replayed', async () => {
    const roomId = await createRoom(alice, {});
    const path = `${v3}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/txn-42`;
    const body = { msgtype: 'm.text', body: 'once' };
    const [a, b] = await Promise.all([call('PUT', path, { token: alice, body }), call('PUT', path, { token: alice, body })]);
    const c = await call('PUT', path, { token: alice, body });
    assert.equal(a.status, 200);
    assert.equal(a.json.event_id, b.json.event_id);
    assert.equal(a.json.event_id, c.json.event_id);
    const msgs = await call('GET', `${v3}/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`, { token: alice });
    assert.equal(msgs.json.chunk.filter((e: any) => e.content.body === 'once').length, 1);
  });

  it('wakes a sync long-poll when a message arrives, and times out empty', async () => {
    const roomId = await createRoom(alice, {});
    const first = await call('GET', `${v3}/sync`, { token: alice });
    assert.equal(first.status, 200);
    assert.ok(first.json.rooms.join[roomId]);
    const since = first.json.next_batch as string;
    const polling = call('GET', `${v3}/sync?since=${since}&timeout=20000`, { token: alice });
    await new Promise((r) => setTimeout(r, 50));
    const sent = await call('PUT', `${v3}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/lp1`, { token: alice, body: { msgtype: 'm.text', body: 'wake' } });
    const woke = await polling;
    assert.equal(woke.status, 200);
    const timeline = woke.json.rooms.join[roomId].timeline.events;
    const ev = timeline.find((e: any) => e.event_id === sent.json.event_id);
    assert.ok(ev, 'the message arrives in the long-poll');
    assert.equal(ev.unsigned.transaction_id, 'lp1');
    assert.equal(ev.room_id, undefined);
    assert.equal(ev.signatures, undefined);
    const idle = await call('GET', `${v3}/sync?since=${woke.json.next_batch}&timeout=200`, { token: alice });
    assert.equal(idle.status, 200);
    assert.equal(typeof idle.json.next_batch, 'string');
    assert.deepEqual(idle.json.rooms.join, {});
    assert.deepEqual(idle.json.account_data.events, []);
  });

  it('keeps serving after a burst of bad requests', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => call('POST', `${v3}/createRoom`, { token: alice, raw: `{${i}` })));
    await stillServing();
  });
});
