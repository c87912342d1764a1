// Ignoring users (m.ignored_user_list) hides their messages from /sync and /messages; createRoom
// with visibility public lists the room in the directory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { matrixFetch, v3, enc } from './matrix-fetch.js';

describe('ignored users and createRoom visibility', () => {
  let server: TestServer;
  const { ok, login } = matrixFetch(() => server.matrixUrl);
  let alice: string;
  let bob: string;
  let room: string;
  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
    for (const u of ['alice', 'bob']) await server.addUser(u);
    alice = (await login('alice')).json.access_token;
    bob = (await login('bob')).json.access_token;
    room = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat', visibility: 'public', name: 'Listed' } })).room_id;
    await ok('POST', `${v3}/join/${enc(room)}`, { token: bob, body: {} });
  });
  after(() => server.destroy());

  const bodies = (events: { type: string; content: { body?: string } }[]) =>
    events.filter((e) => e.type === 'm.room.message').map((e) => e.content.body);

  test('an ignored user\'s messages are gone from /messages and /sync, state stays', async () => {
    await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/a1`, { token: alice, body: { msgtype: 'm.text', body: 'from alice' } });
    await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/b1`, { token: bob, body: { msgtype: 'm.text', body: 'from bob' } });
    const before = await ok('GET', `${v3}/rooms/${enc(room)}/messages?dir=b`, { token: alice });
    assert.deepEqual(bodies(before.chunk), ['from bob', 'from alice']);
    await ok('PUT', `${v3}/user/${enc('@alice:localhost')}/account_data/m.ignored_user_list`, { token: alice, body: { ignored_users: { '@bob:localhost': {} } } });
    const after = await ok('GET', `${v3}/rooms/${enc(room)}/messages?dir=b`, { token: alice });
    assert.deepEqual(bodies(after.chunk), ['from alice']);
    assert.ok(after.chunk.some((e: { type: string; state_key?: string }) => e.type === 'm.room.member' && e.state_key === '@bob:localhost'), 'state events stay');
    const sync = await ok('GET', `${v3}/sync`, { token: alice });
    assert.deepEqual(bodies(sync.rooms.join[room].timeline.events), ['from alice']);
    // Bob still sees everything.
    const bobView = await ok('GET', `${v3}/rooms/${enc(room)}/messages?dir=b`, { token: bob });
    assert.deepEqual(bodies(bobView.chunk), ['from bob', 'from alice']);
  });

  test('an invite from an ignored user is not shown; from others it is', async () => {
    const fromBob = (await ok('POST', `${v3}/createRoom`, { token: bob, body: { invite: ['@alice:localhost'] } })).room_id;
    const sync = await ok('GET', `${v3}/sync`, { token: alice });
    assert.equal(sync.rooms.invite?.[fromBob], undefined);
    await ok('PUT', `${v3}/user/${enc('@alice:localhost')}/account_data/m.ignored_user_list`, { token: alice, body: { ignored_users: {} } });
    const again = await ok('GET', `${v3}/sync`, { token: alice });
    assert.ok(again.rooms.invite[fromBob], 'shown once bob is no longer ignored');
  });

  test('createRoom with visibility public is in the directory', async () => {
    const list = await ok('GET', `${v3}/publicRooms`);
    assert.deepEqual(list.chunk.map((r: { room_id: string }) => r.room_id), [room]);
  });
});
