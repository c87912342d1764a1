// Room upgrades: the replacement room, the tombstone, the old room muted, aliases and the
// directory listing moved; and the refusals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3, enc } from './matrix-fetch.js';
import { sdk, quiet } from './clients/matrix-sdk.js';

describe('room upgrades', () => {
  let server: TestServer;
  const { call, ok, login } = matrixFetch(() => server.matrixUrl);
  let alice: string;
  let bob: string;
  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
    for (const u of ['alice', 'bob']) await server.addUser(u);
    alice = (await login('alice')).json.access_token;
    bob = (await login('bob')).json.access_token;
  });
  after(() => server.destroy());

  test('an upgrade makes the replacement room and retires the old one', async () => {
    const old = (await ok('POST', `${v3}/createRoom`, {
      token: alice, body: { preset: 'public_chat', name: 'Old hall', topic: 't', room_alias_name: 'hall' },
    })).room_id;
    await ok('POST', `${v3}/join/${enc(old)}`, { token: bob, body: {} });
    await ok('PUT', `${v3}/directory/list/room/${enc(old)}`, { token: alice, body: { visibility: 'public' } });
    assertError(await call('POST', `${v3}/rooms/${enc(old)}/upgrade`, { token: bob, body: { new_version: '11' } }), 403, 'M_FORBIDDEN');
    assertError(await call('POST', `${v3}/rooms/${enc(old)}/upgrade`, { token: alice, body: { new_version: '99' } }), 400, 'M_UNSUPPORTED_ROOM_VERSION');
    assertError(await call('POST', `${v3}/rooms/${enc(old)}/upgrade`, { token: alice, body: {} }), 400, 'M_MISSING_PARAM');

    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: alice, userId: '@alice:localhost', logger: quiet });
    const { replacement_room: fresh } = await client.upgradeRoom(old, '11');
    const create = await ok('GET', `${v3}/rooms/${enc(fresh)}/state/m.room.create/`, { token: alice });
    assert.equal(create.predecessor.room_id, old);
    assert.equal((await ok('GET', `${v3}/rooms/${enc(fresh)}/state/m.room.name/`, { token: alice })).name, 'Old hall');
    assert.equal((await ok('GET', `${v3}/rooms/${enc(fresh)}/state/m.room.join_rules/`, { token: alice })).join_rule, 'public');
    const tomb = await ok('GET', `${v3}/rooms/${enc(old)}/state/m.room.tombstone/`, { token: alice });
    assert.equal(tomb.replacement_room, fresh);
    assert.equal((await ok('GET', `${v3}/directory/room/${enc('#hall:localhost')}`, { token: bob })).room_id, fresh);
    assert.equal((await ok('GET', `${v3}/rooms/${enc(fresh)}/state/m.room.canonical_alias/`, { token: alice })).alias, '#hall:localhost');
    const listed = await ok('GET', `${v3}/publicRooms`);
    assert.deepEqual(listed.chunk.map((r: { room_id: string }) => r.room_id), [fresh]);
    // Ordinary members can no longer talk in the old room; they can join the new one.
    assertError(await call('PUT', `${v3}/rooms/${enc(old)}/send/m.room.message/x1`, { token: bob, body: { msgtype: 'm.text', body: 'hi' } }), 403, 'M_FORBIDDEN');
    await ok('POST', `${v3}/join/${enc(fresh)}`, { token: bob, body: {} });
  });

  test('upgrading a room one is not in is refused', async () => {
    const r = (await ok('POST', `${v3}/createRoom`, { token: alice, body: {} })).room_id;
    assertError(await call('POST', `${v3}/rooms/${enc(r)}/upgrade`, { token: bob, body: { new_version: '11' } }), 403, 'M_FORBIDDEN');
    assertError(await call('POST', `${v3}/rooms/${enc('!nope:localhost')}/upgrade`, { token: bob, body: { new_version: '11' } }), 404, 'M_NOT_FOUND');
  });
});
