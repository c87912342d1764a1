// Client-Server API changes of spec v1.12 to v1.19 (docs/spec-versions.md): the new endpoints,
// fields and error codes, as raw requests, and extended profiles through matrix-js-sdk.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3, enc } from './matrix-fetch.js';
import { sdk, quiet } from './clients/matrix-sdk.js';

const v1 = '/_matrix/client/v1';

describe('spec v1.12-v1.19 client-server changes', () => {
  let server: TestServer;
  const { call, ok, login } = matrixFetch(() => server.matrixUrl);
  const tok: Record<string, string> = {};

  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
    for (const u of ['alice', 'bob', 'carol']) {
      await server.addUser(u);
      tok[u] = (await login(u)).json.access_token;
    }
  });
  after(() => server.destroy());

  test('/versions advertises v1.12 to v1.19 (docs/spec-versions.md)', async () => {
    const { versions } = await ok('GET', '/_matrix/client/versions');
    for (const v of ['v1.11', 'v1.12', 'v1.13', 'v1.14', 'v1.15', 'v1.16', 'v1.17', 'v1.18', 'v1.19']) assert.ok(versions.includes(v), v);
  });

  test('v1.12: join and knock take `via` server names', async () => {
    const room = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { preset: 'public_chat' } })).room_id;
    const r = await ok('POST', `${v3}/join/${enc(room)}?via=localhost&via=elsewhere.example`, { token: tok.bob, body: {} });
    assert.equal(r.room_id, room);
    const knockRoom = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'knock' } }] } })).room_id;
    assert.equal((await ok('POST', `${v3}/knock/${enc(knockRoom)}?via=localhost`, { token: tok.carol, body: {} })).room_id, knockRoom);
  });

  test('v1.14: reporting a user; unknown users are 404; admins see the report', async () => {
    await ok('POST', `${v3}/users/${enc('@bob:localhost')}/report`, { token: tok.alice, body: { reason: 'sends spam' } });
    assertError(await call('POST', `${v3}/users/${enc('@nobody:localhost')}/report`, { token: tok.alice, body: { reason: 'x' } }), 404, 'M_NOT_FOUND');
    assertError(await call('POST', `${v3}/users/not-a-user/report`, { token: tok.alice, body: { reason: 'x' } }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${v3}/users/${enc('@bob:localhost')}/report`, { token: tok.alice, body: { reason: 5 } }), 400, 'M_BAD_JSON');
    assert.deepEqual(server.core.storage.reports.listUsers().map((r) => [r.targetUserId, r.userId, r.reason]), [['@bob:localhost', '@alice:localhost', 'sends spam']]);
  });

  test('v1.18: an event report with the removed `score` is still accepted', async () => {
    const room = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: {} })).room_id;
    const ev = (await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/r1`, { token: tok.alice, body: { msgtype: 'm.text', body: 'hi' } })).event_id;
    await ok('POST', `${v3}/rooms/${enc(room)}/report/${enc(ev)}`, { token: tok.alice, body: { reason: 'test', score: 'very bad' } });
    assert.equal(server.core.storage.reports.list().at(-1)!.score, null);
  });

  test('v1.15: room summary by id and alias, with version and encryption; hidden rooms are 404', async () => {
    const pub = (await ok('POST', `${v3}/createRoom`, {
      token: tok.alice,
      body: { preset: 'public_chat', name: 'Summary', topic: 'about', room_alias_name: 'summary', initial_state: [{ type: 'm.room.encryption', content: { algorithm: 'm.megolm.v1.aes-sha2' } }] },
    })).room_id;
    const s = await ok('GET', `${v1}/room_summary/${enc('#summary:localhost')}`, { token: tok.bob });
    assert.equal(s.room_id, pub);
    assert.equal(s.name, 'Summary');
    assert.equal(s.topic, 'about');
    assert.deepEqual(await ok('GET', `${v3}/rooms/${enc(pub)}/state/m.room.topic/`, { token: tok.alice }), {
      topic: 'about', 'm.topic': { 'm.text': [{ body: 'about', mimetype: 'text/plain' }] },
    });
    assert.equal(s.join_rule, 'public');
    assert.equal(s.num_joined_members, 1);
    assert.equal(s.encryption, 'm.megolm.v1.aes-sha2');
    assert.equal(s.room_version, '11');
    assert.equal(s.membership, undefined, 'bob was never in the room');
    assert.equal((await ok('GET', `${v1}/room_summary/${enc(pub)}`, { token: tok.alice })).membership, 'join');
    // A public room's summary is there without signing in.
    assert.equal((await ok('GET', `${v1}/room_summary/${enc(pub)}`)).room_id, pub);

    const priv = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { preset: 'private_chat', invite: ['@bob:localhost'] } })).room_id;
    assertError(await call('GET', `${v1}/room_summary/${enc(priv)}`, { token: tok.carol }), 404, 'M_NOT_FOUND');
    assertError(await call('GET', `${v1}/room_summary/${enc(priv)}`), 404, 'M_NOT_FOUND');
    assert.equal((await ok('GET', `${v1}/room_summary/${enc(priv)}`, { token: tok.bob })).membership, 'invite');
    assertError(await call('GET', `${v1}/room_summary/${enc('#missing:localhost')}`, { token: tok.bob }), 404, 'M_NOT_FOUND');
    assertError(await call('GET', `${v1}/room_summary/nonsense`, { token: tok.bob }), 400, 'M_INVALID_PARAM');

    // A restricted room: members of the allowed room may see it, and learn which rooms those are.
    const restricted = (await ok('POST', `${v3}/createRoom`, {
      token: tok.alice,
      body: { initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: pub }] } }] },
    })).room_id;
    assertError(await call('GET', `${v1}/room_summary/${enc(restricted)}`, { token: tok.carol }), 404, 'M_NOT_FOUND');
    await ok('POST', `${v3}/join/${enc(pub)}`, { token: tok.carol, body: {} });
    assert.deepEqual((await ok('GET', `${v1}/room_summary/${enc(restricted)}`, { token: tok.carol })).allowed_room_ids, [pub]);
  });

  test('v1.15: hierarchy entries carry room_version and encryption', async () => {
    const space = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { preset: 'public_chat', creation_content: { type: 'm.space' } } })).room_id;
    const h = await ok('GET', `${v1}/rooms/${enc(space)}/hierarchy`, { token: tok.alice });
    assert.equal(h.rooms[0].room_version, '11');
    assert.equal(h.rooms[0].room_type, 'm.space');
  });

  test('v1.15: OAuth 2.0 discovery is absent: auth_metadata is 404 M_UNRECOGNIZED, so clients use the legacy login', async () => {
    assertError(await call('GET', `${v1}/auth_metadata`), 404, 'M_UNRECOGNIZED');
    const client = sdk.createClient({ baseUrl: server.matrixUrl, logger: quiet });
    await assert.rejects(client.getAuthMetadata(), (e: { errcode?: string }) => e.errcode === 'M_UNRECOGNIZED');
    const flows = await client.loginFlows();
    assert.ok(flows.flows.some((f) => f.type === 'm.login.password'));
  });

  test('v1.16: extended profile fields through matrix-js-sdk; m.profile_fields capability', async () => {
    const caps = await ok('GET', `${v3}/capabilities`, { token: tok.alice });
    assert.deepEqual(caps.capabilities['m.profile_fields'], { enabled: true });
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: tok.alice, userId: '@alice:localhost', logger: quiet });
    await client.setExtendedProfileProperty('m.tz', 'Europe/Berlin');
    await client.setExtendedProfileProperty('org.example.pronouns', { en: ['she', 'her'] });
    await client.setDisplayName('Alice A.');
    const bobClient = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: tok.bob, userId: '@bob:localhost', logger: quiet });
    assert.equal(await bobClient.getExtendedProfileProperty('@alice:localhost', 'm.tz'), 'Europe/Berlin');
    assert.deepEqual(await bobClient.getExtendedProfile('@alice:localhost'), {
      displayname: 'Alice A.', 'm.tz': 'Europe/Berlin', 'org.example.pronouns': { en: ['she', 'her'] },
    });
    await client.deleteExtendedProfileProperty('m.tz');
    assertError(await call('GET', `${v3}/profile/${enc('@alice:localhost')}/m.tz`, { token: tok.bob }), 404, 'M_NOT_FOUND');
    // Deleting a field that is not there is fine.
    await ok('DELETE', `${v3}/profile/${enc('@alice:localhost')}/m.tz`, { token: tok.alice });
  });

  test('v1.16: profile fields refuse bad keys, bodies and sizes with the spec codes', async () => {
    const me = `${v3}/profile/${enc('@alice:localhost')}`;
    assertError(await call('PUT', `${me}/NotNamespaced`, { token: tok.alice, body: { NotNamespaced: 1 } }), 400, 'M_INVALID_PARAM');
    assertError(await call('PUT', `${me}/${'a.'.repeat(130)}b`, { token: tok.alice, body: {} }), 400, 'M_KEY_TOO_LARGE');
    assertError(await call('PUT', `${me}/org.example.x`, { token: tok.alice, body: { other: 1 } }), 400, 'M_MISSING_PARAM');
    assertError(await call('PUT', `${me}/org.example.x`, { token: tok.alice, body: { 'org.example.x': 1, extra: 2 } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${me}/m.tz`, { token: tok.alice, body: { 'm.tz': 3 } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${me}/avatar_url`, { token: tok.alice, body: { avatar_url: 'https://example.org/a.png' } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${me}/org.example.big`, { token: tok.alice, body: { 'org.example.big': 'x'.repeat(70000) } }), 400, 'M_PROFILE_TOO_LARGE');
    await ok('PUT', `${me}/org.example.big`, { token: tok.alice, body: { 'org.example.big': 'x'.repeat(40000) } });
    assertError(await call('PUT', `${me}/org.example.big2`, { token: tok.alice, body: { 'org.example.big2': 'x'.repeat(30000) } }), 400, 'M_PROFILE_TOO_LARGE');
    await ok('DELETE', `${me}/org.example.big`, { token: tok.alice });
    assertError(await call('PUT', `${v3}/profile/${enc('@bob:localhost')}/org.example.x`, { token: tok.alice, body: { 'org.example.x': 1 } }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${me}/Bad`, { token: tok.bob }), 400, 'M_INVALID_PARAM');
  });

  test('v1.16: /sync with use_state_after sends the state up to the end of the timeline in state_after', async () => {
    const room = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { preset: 'public_chat', name: 'before' } })).room_id;
    await ok('POST', `${v3}/join/${enc(room)}`, { token: tok.bob, body: {} });
    const sync = (q: string) => ok('GET', `${v3}/sync?timeout=0${q}`, { token: tok.bob });
    const names = (events: { type: string; content: { name?: string } }[]) => events.filter((e) => e.type === 'm.room.name').map((e) => e.content.name);

    const initial = await sync('&use_state_after=true');
    const joined = initial.rooms.join[room];
    assert.equal(joined.state, undefined, 'state is omitted');
    assert.deepEqual(names(joined.state_after.events), ['before']);
    assert.ok(joined.state_after.events.some((e: { type: string }) => e.type === 'm.room.create'));
    const plain = await sync('');
    assert.equal(plain.rooms.join[room].state_after, undefined);
    assert.ok(Array.isArray(plain.rooms.join[room].state.events));

    // A name change inside an unlimited timeline: only state_after carries it as state.
    await ok('PUT', `${v3}/rooms/${enc(room)}/state/m.room.name/`, { token: tok.alice, body: { name: 'after' } });
    await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/sa1`, { token: tok.alice, body: { msgtype: 'm.text', body: 'x' } });
    const inc = (await sync(`&use_state_after=true&since=${initial.next_batch}`)).rooms.join[room];
    assert.equal(inc.timeline.limited, false);
    assert.deepEqual(names(inc.timeline.events), ['after']);
    assert.deepEqual(names(inc.state_after.events), ['after']);
    assert.equal(inc.state, undefined);
    const old = (await sync(`&since=${initial.next_batch}`)).rooms.join[room];
    assert.deepEqual(old.state.events, [], 'without it the change is in the timeline only');

    // Nothing changed in state since: state_after is there and empty.
    const mid = await sync(`&use_state_after=true&since=${initial.next_batch}`);
    await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/sa2`, { token: tok.alice, body: { msgtype: 'm.text', body: 'y' } });
    const quiet = (await sync(`&use_state_after=true&since=${mid.next_batch}`)).rooms.join[room];
    assert.deepEqual(quiet.state_after, { events: [] });
    // The MSC4222 name that matrix-js-sdk 37 sends gets the MSC's key back.
    const msc = (await sync('&org.matrix.msc4222.use_state_after=true')).rooms.join[room];
    assert.equal(msc.state, undefined);
    assert.deepEqual(names(msc['org.matrix.msc4222.state_after'].events), ['after']);
  });

  test('v1.18: invite blocking: M_INVITE_BLOCKED on every way to invite, and earlier invites leave /sync', async () => {
    await server.addUser('dora');
    const dora = (await login('dora')).json.access_token;
    const earlier = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { invite: ['@dora:localhost'] } })).room_id;
    const room = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: {} })).room_id;
    const config = `${v3}/user/${enc('@dora:localhost')}/account_data/m.invite_permission_config`;
    await ok('PUT', config, { token: dora, body: { default_action: 'block' } });

    assertError(await call('POST', `${v3}/rooms/${enc(room)}/invite`, { token: tok.alice, body: { user_id: '@dora:localhost' } }), 403, 'M_INVITE_BLOCKED');
    assertError(await call('PUT', `${v3}/rooms/${enc(room)}/state/m.room.member/${enc('@dora:localhost')}`, { token: tok.alice, body: { membership: 'invite' } }), 403, 'M_INVITE_BLOCKED');
    const before = (await ok('GET', `${v3}/joined_rooms`, { token: tok.alice })).joined_rooms.length;
    assertError(await call('POST', `${v3}/createRoom`, { token: tok.alice, body: { invite: ['@dora:localhost'] } }), 403, 'M_INVITE_BLOCKED');
    assert.equal((await ok('GET', `${v3}/joined_rooms`, { token: tok.alice })).joined_rooms.length, before, 'no room was made');
    assert.equal((await ok('GET', `${v3}/sync?timeout=0`, { token: dora })).rooms.invite[earlier], undefined);
    const sss = await ok('POST', '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync', { token: dora, body: { lists: { all: { ranges: [[0, 10]] } } } });
    assert.equal(sss.rooms?.[earlier], undefined, 'sliding sync leaves the invite out too');

    // Any other value, or an empty object, lets invites through again.
    await ok('PUT', config, { token: dora, body: { default_action: 'allow' } });
    await ok('POST', `${v3}/rooms/${enc(room)}/invite`, { token: tok.alice, body: { user_id: '@dora:localhost' } });
    await ok('PUT', config, { token: dora, body: {} });
    const synced = await ok('GET', `${v3}/sync?timeout=0`, { token: dora });
    assert.ok(synced.rooms.invite[earlier] && synced.rooms.invite[room]);
    const sssAgain = await ok('POST', '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync', { token: dora, body: { lists: { all: { ranges: [[0, 10]] } } } });
    assert.ok(sssAgain.rooms[earlier], 'and shows it again once unblocked');
  });

  test('v1.18: a redaction through PUT /send/m.room.redaction', async () => {
    const room = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { preset: 'public_chat' } })).room_id;
    const ev = (await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/rd1`, { token: tok.alice, body: { msgtype: 'm.text', body: 'oops' } })).event_id;
    await ok('POST', `${v3}/join/${enc(room)}`, { token: tok.bob, body: {} });
    assertError(await call('PUT', `${v3}/rooms/${enc(room)}/send/m.room.redaction/rd2`, { token: tok.bob, body: { redacts: ev } }), 403, 'M_FORBIDDEN');
    assertError(await call('PUT', `${v3}/rooms/${enc(room)}/send/m.room.redaction/rd3`, { token: tok.alice, body: {} }), 400, 'M_MISSING_PARAM');
    const red = (await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.redaction/rd4`, { token: tok.alice, body: { redacts: ev, reason: 'typo' } })).event_id;
    const got = await ok('GET', `${v3}/rooms/${enc(room)}/event/${enc(ev)}`, { token: tok.bob });
    assert.deepEqual(got.content, {});
    assert.equal(got.unsigned.redacted_because.event_id, red);
  });

  test('v1.19: mutual rooms: only rooms both users are joined to, with a count', async () => {
    const shared = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { preset: 'public_chat' } })).room_id;
    await ok('POST', `${v3}/join/${enc(shared)}`, { token: tok.carol, body: {} });
    // Invited only: not a mutual room.
    await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { invite: ['@carol:localhost'] } });
    const r = await ok('GET', `${v1}/mutual_rooms?user_id=${enc('@carol:localhost')}`, { token: tok.alice });
    const carolJoined = (await ok('GET', `${v3}/joined_rooms`, { token: tok.carol })).joined_rooms as string[];
    const aliceJoined = new Set((await ok('GET', `${v3}/joined_rooms`, { token: tok.alice })).joined_rooms as string[]);
    assert.deepEqual([...r.joined].sort(), carolJoined.filter((id) => aliceJoined.has(id)).sort());
    assert.ok(r.joined.includes(shared));
    assert.equal(r.count, r.joined.length);
    assert.equal(r.next_batch, undefined);
    assert.deepEqual(await ok('GET', `${v1}/mutual_rooms?user_id=${enc('@nobody:localhost')}`, { token: tok.alice }), { joined: [], count: 0 });
    assertError(await call('GET', `${v1}/mutual_rooms`, { token: tok.alice }), 400, 'M_MISSING_PARAM');
    assertError(await call('GET', `${v1}/mutual_rooms?user_id=bob`, { token: tok.alice }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v1}/mutual_rooms?user_id=${enc('@alice:localhost')}`, { token: tok.alice }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v1}/mutual_rooms?user_id=${enc('@carol:localhost')}&from=zz`, { token: tok.alice }), 400, 'M_INVALID_PARAM');
    // matrix-js-sdk 37 asks through MSC2666's unstable form, announced in /versions.
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: tok.alice, userId: '@alice:localhost', logger: quiet });
    assert.deepEqual((await client._unstable_getSharedRooms('@carol:localhost')).sort(), [...r.joined].sort());
  });

  test('v1.19: a state event names the state event it replaced in unsigned.replaces_state', async () => {
    const room = (await ok('POST', `${v3}/createRoom`, { token: tok.alice, body: { name: 'first' } })).room_id;
    const first = (await ok('GET', `${v3}/rooms/${enc(room)}/state/m.room.name/?format=event`, { token: tok.alice })).event_id;
    const second = (await ok('PUT', `${v3}/rooms/${enc(room)}/state/m.room.name/`, { token: tok.alice, body: { name: 'second' } })).event_id;
    const msgs = await ok('GET', `${v3}/rooms/${enc(room)}/messages?dir=b&limit=1`, { token: tok.alice });
    assert.equal(msgs.chunk[0].event_id, second);
    assert.equal(msgs.chunk[0].unsigned.replaces_state, first);
    assert.deepEqual(msgs.chunk[0].unsigned.prev_content, { name: 'first' });
  });
});
