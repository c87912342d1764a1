// Room version 12 (spec v1.16, docs/spec-versions.md): rooms whose id is the create event's hash,
// whose creators have infinite power; used by matrix-js-sdk like any room, and reached by
// upgrading an older room with additional creators.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3, enc } from './matrix-fetch.js';
import { sdk, until, loginAndSync, type Session } from './clients/matrix-sdk.js';

describe('room version 12', () => {
  let server: TestServer;
  const { call, ok, login } = matrixFetch(() => server.matrixUrl);
  const tok: Record<string, string> = {};
  let alice: Session;
  let bob: Session;

  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
    for (const u of ['alice', 'bob', 'carol']) await server.addUser(u);
    for (const u of ['alice', 'bob', 'carol']) tok[u] = (await login(u)).json.access_token;
    alice = await loginAndSync(server.matrixUrl, 'alice');
    bob = await loginAndSync(server.matrixUrl, 'bob');
  });
  after(async () => {
    alice?.client.stopClient();
    bob?.client.stopClient();
    await server.destroy();
  });

  test('capabilities offer 12 as stable while 11 stays the default', async () => {
    const caps = (await ok('GET', `${v3}/capabilities`, { token: tok.alice })).capabilities['m.room_versions'];
    assert.equal(caps.default, '11');
    assert.equal(caps.available['12'], 'stable');
    assertError(await call('POST', `${v3}/createRoom`, { token: tok.alice, body: { room_version: '13' } }), 400, 'M_UNSUPPORTED_ROOM_VERSION');
  });

  test('matrix-js-sdk creates a v12 room, invites, and both sides talk', async () => {
    const { room_id: roomId } = await alice.client.createRoom({ room_version: '12', name: 'Twelve', invite: [bob.userId] });
    assert.match(roomId, /^![A-Za-z0-9_-]{43}$/, 'no domain: the create event hash');
    const create = await ok('GET', `${v3}/rooms/${enc(roomId)}/state/m.room.create/?format=event`, { token: tok.alice });
    assert.equal(roomId, `!${create.event_id.slice(1)}`);
    assert.equal(create.content.room_version, '12');
    // The creator is not in the power levels: its power is infinite.
    const pl = await ok('GET', `${v3}/rooms/${enc(roomId)}/state/m.room.power_levels/`, { token: tok.alice });
    assert.deepEqual(pl.users, {});
    assert.equal(pl.events['m.room.tombstone'], 150);

    await until('bob sees the invite', () => bob.client.getRoom(roomId)?.getMyMembership() === 'invite');
    await bob.client.joinRoom(roomId);
    await alice.client.sendTextMessage(roomId, 'hello twelve');
    await bob.client.sendTextMessage(roomId, 'hi back');
    await until('bob reads alice', () => bob.seen.includes('hello twelve'));
    await until('alice reads bob', () => alice.seen.includes('hi back'));
    // Other endpoints with the domainless id in the path.
    const msgs = await ok('GET', `${v3}/rooms/${enc(roomId)}/messages?dir=b&limit=5`, { token: tok.bob });
    assert.ok(msgs.chunk.some((e: { content: { body?: string } }) => e.content.body === 'hello twelve'));
    const members = await ok('GET', `${v3}/rooms/${enc(roomId)}/joined_members`, { token: tok.bob });
    assert.deepEqual(Object.keys(members.joined).sort(), [alice.userId, bob.userId]);
    // The SDK syncs with MSC4222 state_after: a rename reaches bob's room state from there.
    await alice.client.setRoomName(roomId, 'Twelve renamed');
    await until('bob sees the new name', () => bob.client.getRoom(roomId)?.name === 'Twelve renamed');
    // Sliding sync (Element X) lists and subscribes to the room by its domainless id.
    const sss = await ok('POST', '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync', {
      token: tok.bob, body: { lists: { all: { ranges: [[0, 20]], timeline_limit: 5 } }, room_subscriptions: { [roomId]: { timeline_limit: 1, required_state: [['m.room.create', '']] } } },
    });
    assert.equal(sss.rooms[roomId].name, 'Twelve renamed');
    assert.equal(sss.rooms[roomId].required_state[0].content.room_version, '12');
  });

  test('the creator kicks anyone; nobody the power levels name can touch the creator', async () => {
    const roomId = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { room_version: '12', preset: 'public_chat' } })).room_id;
    for (const u of ['bob', 'carol']) await ok('POST', `${v3}/join/${enc(roomId)}`, { token: tok[u], body: {} });
    const pl = await ok('GET', `${v3}/rooms/${enc(roomId)}/state/m.room.power_levels/`, { token: tok.alice });
    await ok('PUT', `${v3}/rooms/${enc(roomId)}/state/m.room.power_levels/`, { token: tok.alice, body: { ...pl, users: { '@bob:localhost': 100 } } });
    assertError(await call('POST', `${v3}/rooms/${enc(roomId)}/kick`, { token: tok.bob, body: { user_id: '@alice:localhost' } }), 403, 'M_FORBIDDEN');
    // Listing the creator in the power levels is refused by the auth rules.
    assertError(await call('PUT', `${v3}/rooms/${enc(roomId)}/state/m.room.power_levels/`, {
      token: tok.alice, body: { ...pl, users: { '@alice:localhost': 100 } },
    }), 403, 'M_FORBIDDEN');
    await ok('POST', `${v3}/rooms/${enc(roomId)}/kick`, { token: tok.alice, body: { user_id: '@bob:localhost' } });
    assert.equal((await ok('GET', `${v3}/rooms/${enc(roomId)}/state/m.room.member/${enc('@bob:localhost')}`, { token: tok.alice })).membership, 'leave');
  });

  test('createRoom: trusted_private_chat invitees become creators; an override naming the creator is accepted', async () => {
    const roomId = (await ok('POST', `${v3}/createRoom`, {
      token: tok.alice,
      body: { room_version: '12', preset: 'trusted_private_chat', invite: ['@bob:localhost'], power_level_content_override: { users: { '@alice:localhost': 100, '@carol:localhost': 50 } } },
    })).room_id;
    const create = await ok('GET', `${v3}/rooms/${enc(roomId)}/state/m.room.create/`, { token: tok.alice });
    assert.deepEqual(create.additional_creators, ['@bob:localhost']);
    const pl = await ok('GET', `${v3}/rooms/${enc(roomId)}/state/m.room.power_levels/`, { token: tok.alice });
    assert.deepEqual(pl.users, { '@carol:localhost': 50 });
    assertError(await call('POST', `${v3}/createRoom`, {
      token: tok.alice, body: { room_version: '12', creation_content: { additional_creators: ['not-a-user'] } },
    }), 400, 'M_INVALID_ROOM_STATE');
  });

  test('upgrading a v11 room to v12 with additional creators', async () => {
    const old = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { preset: 'public_chat', name: 'Old' } })).room_id;
    await ok('POST', `${v3}/join/${enc(old)}`, { token: tok.carol, body: {} });
    assertError(await call('POST', `${v3}/rooms/${enc(old)}/upgrade`, { token: tok.alice, body: { new_version: '12', additional_creators: ['carol'] } }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${v3}/rooms/${enc(old)}/upgrade`, { token: tok.alice, body: { new_version: '12', additional_creators: 'x' } }), 400, 'M_BAD_JSON');
    const fresh = (await ok('POST', `${v3}/rooms/${enc(old)}/upgrade`, { token: tok.alice, body: { new_version: '12', additional_creators: ['@carol:localhost'] } })).replacement_room;
    assert.match(fresh, /^![A-Za-z0-9_-]{43}$/);
    const create = await ok('GET', `${v3}/rooms/${enc(fresh)}/state/m.room.create/`, { token: tok.alice });
    assert.equal(create.room_version, '12');
    assert.deepEqual(create.additional_creators, ['@carol:localhost']);
    assert.equal(create.predecessor.room_id, old);
    const pl = await ok('GET', `${v3}/rooms/${enc(fresh)}/state/m.room.power_levels/`, { token: tok.alice });
    assert.equal(pl.users['@alice:localhost'], undefined, 'the upgrader is a creator, not listed');
    assert.equal((await ok('GET', `${v3}/rooms/${enc(old)}/state/m.room.tombstone/`, { token: tok.alice })).replacement_room, fresh);
    // The v12 room can be upgraded again by its creator, though no power level names it.
    const again = (await ok('POST', `${v3}/rooms/${enc(fresh)}/upgrade`, { token: tok.alice, body: { new_version: '12' } })).replacement_room;
    assert.notEqual(again, fresh);
  });
});
