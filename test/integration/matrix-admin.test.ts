// The admin API under /_hearth/admin/v1/: admin-only, users, rooms (delete and purge),
// registration tokens, statistics; bad input gets Matrix errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3, enc } from './matrix-fetch.js';

const admin = '/_hearth/admin/v1';

describe('admin API', () => {
  let server: TestServer;
  const { call, ok, login } = matrixFetch(() => server.matrixUrl);
  let root: string;
  let alice: string;
  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', registration: { enabled: true, require_token: true } } } });
    await server.addUser('root', 'secret-pw', true);
    for (const u of ['alice', 'bob']) await server.addUser(u);
    root = (await login('root')).json.access_token;
    alice = (await login('alice')).json.access_token;
  });
  after(() => server.destroy());

  test('non-admins and anonymous callers are refused', async () => {
    assertError(await call('GET', `${admin}/users`, { token: alice }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${admin}/users`), 401, 'M_MISSING_TOKEN');
    assertError(await call('GET', `${admin}/nothing`, { token: root }), 404, 'M_UNRECOGNIZED');
  });

  test('users: list, show, create, make admin, reset password, deactivate', async () => {
    const list = await ok('GET', `${admin}/users`, { token: root });
    assert.deepEqual(list.users.map((u: { user_id: string }) => u.user_id).sort(), ['@alice:localhost', '@bob:localhost', '@root:localhost']);
    const shown = await ok('GET', `${admin}/users/${enc('@alice:localhost')}`, { token: root });
    assert.equal(shown.admin, false);
    assert.equal(shown.xmpp_jid, 'alice@localhost');
    assert.equal(shown.devices.length, 1);
    assertError(await call('GET', `${admin}/users/${enc('@nobody:localhost')}`, { token: root }), 404, 'M_NOT_FOUND');
    assertError(await call('GET', `${admin}/users/${enc('@x:elsewhere')}`, { token: root }), 404, 'M_NOT_FOUND');

    await ok('POST', `${admin}/users`, { token: root, body: { localpart: 'dave', password: 'dave-pw' } });
    assertError(await call('POST', `${admin}/users`, { token: root, body: { localpart: 'dave', password: 'x' } }), 400, 'M_USER_IN_USE');
    assertError(await call('POST', `${admin}/users`, { token: root, body: { localpart: 'Bad Name', password: 'x' } }), 400, 'M_INVALID_USERNAME');
    assertError(await call('POST', `${admin}/users`, { token: root, body: { localpart: 'eve' } }), 400, 'M_MISSING_PARAM');
    assert.equal((await login('dave', 'dave-pw')).status, 200);

    await ok('PUT', `${admin}/users/${enc('@dave:localhost')}/admin`, { token: root, body: { admin: true } });
    assert.equal(server.core.accounts.get('dave')!.admin, true);
    assertError(await call('PUT', `${admin}/users/${enc('@dave:localhost')}/admin`, { token: root, body: { admin: 'yes' } }), 400, 'M_BAD_JSON');

    const daveToken = (await login('dave', 'dave-pw')).json.access_token;
    await ok('POST', `${admin}/users/${enc('@dave:localhost')}/password`, { token: root, body: { password: 'reset-pw' } });
    assertError(await call('GET', `${v3}/account/whoami`, { token: daveToken }), 401, 'M_UNKNOWN_TOKEN');
    assert.equal((await login('dave', 'reset-pw')).status, 200);
    assertError(await call('POST', `${admin}/users/${enc('@dave:localhost')}/password`, { token: root, body: { password: '' } }), 400, 'M_WEAK_PASSWORD');

    const r = await ok('POST', `${admin}/users/${enc('@dave:localhost')}/deactivate`, { token: root, body: {} });
    assert.equal(r.deactivated, true);
    assertError(await login('dave', 'reset-pw'), 403, 'M_FORBIDDEN');
  });

  test('rooms: list, members, delete with purge', async () => {
    const bob = (await login('bob')).json.access_token;
    const room = await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat', name: 'Doomed', room_alias_name: 'doomed' } });
    await ok('POST', `${v3}/join/${enc(room.room_id)}`, { token: bob, body: {} });
    const rooms = await ok('GET', `${admin}/rooms`, { token: root });
    const mine = rooms.rooms.find((r: { room_id: string }) => r.room_id === room.room_id);
    assert.equal(mine.name, 'Doomed');
    assert.equal(mine.canonical_alias, '#doomed:localhost');
    assert.equal(mine.joined_members, 2);
    const members = await ok('GET', `${admin}/rooms/${enc(room.room_id)}/members`, { token: root });
    assert.equal(members.members.length, 2);
    assertError(await call('GET', `${admin}/rooms/${enc('!none:localhost')}/members`, { token: root }), 404, 'M_NOT_FOUND');

    await ok('PUT', `${v3}/rooms/${enc(room.room_id)}/send/m.room.message/d1`, { token: alice, body: { msgtype: 'm.text', body: 'doomedword' } });
    const del = await ok('DELETE', `${admin}/rooms/${enc(room.room_id)}?purge=true`, { token: root });
    assert.deepEqual(del.left_members.sort(), ['@alice:localhost', '@bob:localhost']);
    assert.equal(del.purged, true);
    assertError(await call('GET', `${admin}/rooms/${enc(room.room_id)}`, { token: root }), 404, 'M_NOT_FOUND');
    assertError(await call('GET', `${v3}/directory/room/${enc('#doomed:localhost')}`, { token: alice }), 404, 'M_NOT_FOUND');
    assertError(await call('POST', `${v3}/join/${enc(room.room_id)}`, { token: bob, body: {} }), 404, 'M_NOT_FOUND');
    const found = await ok('POST', `${v3}/search`, { token: alice, body: { search_categories: { room_events: { search_term: 'doomedword' } } } });
    assert.equal(found.search_categories.room_events.count, 0);
    assert.equal(server.core.storage.search.search('doomedword', 10).length, 0, 'the index rows are purged too');
    const joined = await ok('GET', `${v3}/joined_rooms`, { token: alice });
    assert.ok(!joined.joined_rooms.includes(room.room_id));
  });

  test('registration tokens: create, list, use, delete', async () => {
    const made = await ok('POST', `${admin}/registration_tokens`, { token: root, body: { token: 'club-2026', uses_allowed: 1 } });
    assert.equal(made.completed, 0);
    assertError(await call('POST', `${admin}/registration_tokens`, { token: root, body: { token: 'club-2026' } }), 400, 'M_BAD_JSON');
    assertError(await call('POST', `${admin}/registration_tokens`, { token: root, body: { token: 'no spaces' } }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${admin}/registration_tokens`, { token: root, body: { uses_allowed: -3 } }), 400, 'M_INVALID_PARAM');
    const random = await ok('POST', `${admin}/registration_tokens`, { token: root, body: {} });
    assert.equal(typeof random.token, 'string');
    await ok('POST', `${v3}/register`, { body: { username: 'member1', password: 'p', auth: { type: 'm.login.registration_token', token: 'club-2026' } } });
    assert.equal((await ok('GET', `${admin}/registration_tokens/club-2026`, { token: root })).completed, 1);
    assert.equal((await ok('GET', `${admin}/registration_tokens`, { token: root })).registration_tokens.length, 2);
    await ok('DELETE', `${admin}/registration_tokens/club-2026`, { token: root });
    assertError(await call('DELETE', `${admin}/registration_tokens/club-2026`, { token: root }), 404, 'M_NOT_FOUND');
  });

  test('reports made by users are listed for admins', async () => {
    const room = await ok('POST', `${v3}/createRoom`, { token: alice, body: {} });
    await ok('POST', `${v3}/rooms/${enc(room.room_id)}/report`, { token: alice, body: { reason: 'testing reports' } });
    const r = await ok('GET', `${admin}/reports`, { token: root });
    assert.equal(r.reports.at(-1).reason, 'testing reports');
    assert.equal(r.reports.at(-1).user_id, '@alice:localhost');
    assertError(await call('GET', `${admin}/reports`, { token: alice }), 403, 'M_FORBIDDEN');
  });

  test('statistics count users, rooms and events', async () => {
    const s = await ok('GET', `${admin}/statistics`, { token: root });
    assert.ok(s.users >= 3);
    assert.ok(s.deactivated_users >= 1);
    assert.equal(typeof s.rooms, 'number');
    assert.ok(s.events >= 0);
    assert.ok(s.memory_rss_bytes > 0);
  });
});
