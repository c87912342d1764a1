// Room features: relations and bundled aggregations, threads, context, search, the public room
// directory, tags, reports, knocking, space hierarchy, user directory, forget.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3, enc } from './matrix-fetch.js';
import { sdk, quiet } from './clients/matrix-sdk.js';

const v1 = '/_matrix/client/v1';

describe('room features', () => {
  let server: TestServer;
  const { call, ok, login } = matrixFetch(() => server.matrixUrl);
  let alice: string;
  let bob: string;
  let carol: string;
  let room: string;
  let txn = 0;
  const send = async (token: string, roomId: string, content: Record<string, unknown>, type = 'm.room.message') =>
    (await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/${type}/t${++txn}`, { token, body: content })).event_id as string;

  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
    for (const u of ['alice', 'bob', 'carol']) await server.addUser(u);
    alice = (await login('alice')).json.access_token;
    bob = (await login('bob')).json.access_token;
    carol = (await login('carol')).json.access_token;
    room = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat', name: 'Garden', topic: 'plants' } })).room_id;
    await ok('POST', `${v3}/join/${enc(room)}`, { token: bob, body: {} });
  });
  after(() => server.destroy());

  test('relations: annotations, an edit and a thread are bundled and listed with filters', async () => {
    const root = await send(alice, room, { msgtype: 'm.text', body: 'root message' });
    await send(bob, room, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👍' } }, 'm.reaction');
    await send(alice, room, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👍' } }, 'm.reaction');
    await send(bob, room, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '🎉' } }, 'm.reaction');
    const edit = await send(alice, room, { msgtype: 'm.text', body: '* edited', 'm.new_content': { msgtype: 'm.text', body: 'edited' }, 'm.relates_to': { rel_type: 'm.replace', event_id: root } });
    // An edit by someone else is not an edit of alice's message.
    await send(bob, room, { msgtype: 'm.text', body: '* hijack', 'm.new_content': { msgtype: 'm.text', body: 'hijack' }, 'm.relates_to': { rel_type: 'm.replace', event_id: root } });
    const reply = await send(bob, room, { msgtype: 'm.text', body: 'in thread', 'm.relates_to': { rel_type: 'm.thread', event_id: root } });

    const ev = await ok('GET', `${v3}/rooms/${enc(room)}/event/${enc(root)}`, { token: alice });
    const rel = ev.unsigned['m.relations'];
    assert.deepEqual(rel['m.annotation'].chunk, [{ type: 'm.reaction', key: '👍', count: 2 }, { type: 'm.reaction', key: '🎉', count: 1 }]);
    assert.equal(rel['m.replace'].event_id, edit);
    assert.equal(rel['m.thread'].count, 1);
    assert.equal(rel['m.thread'].latest_event.event_id, reply);
    assert.equal(rel['m.thread'].current_user_participated, true);

    const all = await ok('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}`, { token: alice });
    assert.equal(all.chunk.length, 6);
    assert.equal(all.chunk[0].event_id, reply, 'newest first');
    const reactions = await ok('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}/m.annotation/m.reaction?limit=2`, { token: alice });
    assert.equal(reactions.chunk.length, 2);
    assert.ok(reactions.next_batch);
    const rest = await ok('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}/m.annotation/m.reaction?limit=2&from=${reactions.next_batch}`, { token: alice });
    assert.equal(rest.chunk.length, 1);
    const threadOnly = await ok('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}/m.thread`, { token: alice });
    assert.deepEqual(threadOnly.chunk.map((e: { event_id: string }) => e.event_id), [reply]);

    // A reaction to the thread reply relates to the root only indirectly.
    const nested = await send(alice, room, { 'm.relates_to': { rel_type: 'm.annotation', event_id: reply, key: '👀' } }, 'm.reaction');
    const direct = await ok('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}/m.annotation`, { token: alice });
    assert.ok(!direct.chunk.some((e: { event_id: string }) => e.event_id === nested));
    const deep = await ok('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}/m.annotation?recurse=true`, { token: alice });
    assert.equal(deep.chunk[0].event_id, nested);
    assert.equal(deep.recursion_depth, 3);
    assertError(await call('GET', `${v1}/rooms/${enc(room)}/relations/${enc('$nope')}`, { token: alice }), 404, 'M_NOT_FOUND');
    assertError(await call('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}?dir=x`, { token: alice }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}?from=junk`, { token: alice }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}`, { token: carol }), 403, 'M_FORBIDDEN');

    // /threads lists the root; participated filters by the requester.
    const threads = await ok('GET', `${v1}/rooms/${enc(room)}/threads`, { token: alice });
    assert.deepEqual(threads.chunk.map((e: { event_id: string }) => e.event_id), [root]);
    assert.equal(threads.chunk[0].unsigned['m.relations']['m.thread'].count, 1);
    assert.equal((await ok('GET', `${v1}/rooms/${enc(room)}/threads?include=participated`, { token: bob })).chunk.length, 1);
    assertError(await call('GET', `${v1}/rooms/${enc(room)}/threads?include=some`, { token: alice }), 400, 'M_INVALID_PARAM');

    // Redacting a reaction takes it out of the counts.
    const bobs = await ok('GET', `${v1}/rooms/${enc(room)}/relations/${enc(root)}/m.annotation`, { token: bob });
    const party = bobs.chunk.find((e: { content: { 'm.relates_to': { key: string } } }) => e.content['m.relates_to'].key === '🎉');
    await ok('PUT', `${v3}/rooms/${enc(room)}/redact/${enc(party.event_id)}/r1`, { token: bob, body: {} });
    const after = await ok('GET', `${v3}/rooms/${enc(room)}/event/${enc(root)}`, { token: alice });
    assert.deepEqual(after.unsigned['m.relations']['m.annotation'].chunk, [{ type: 'm.reaction', key: '👍', count: 2 }]);
  });

  test('matrix-js-sdk reads relations', async () => {
    const root = await send(alice, room, { msgtype: 'm.text', body: 'sdk root' });
    await send(bob, room, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: 'x' } }, 'm.reaction');
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: alice, userId: '@alice:localhost', logger: quiet });
    const res = await client.fetchRelations(room, root, 'm.annotation', 'm.reaction');
    assert.equal(res.chunk.length, 1);
  });

  test('context: events around one, and the state', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await send(alice, room, { msgtype: 'm.text', body: `ctx ${i}` }));
    const c = await ok('GET', `${v3}/rooms/${enc(room)}/context/${enc(ids[2])}?limit=4`, { token: bob });
    assert.equal(c.event.event_id, ids[2]);
    assert.deepEqual(c.events_before.map((e: { event_id: string }) => e.event_id), [ids[1], ids[0]]);
    assert.deepEqual(c.events_after.map((e: { event_id: string }) => e.event_id), [ids[3], ids[4]]);
    assert.ok(c.state.some((e: { type: string }) => e.type === 'm.room.create'));
    assert.match(c.start, /^s\d+$/);
    assertError(await call('GET', `${v3}/rooms/${enc(room)}/context/${enc('$missing')}`, { token: bob }), 404, 'M_NOT_FOUND');
    assertError(await call('GET', `${v3}/rooms/${enc(room)}/context/${enc(ids[2])}?limit=x`, { token: bob }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v3}/rooms/${enc(room)}/context/${enc(ids[2])}?filter={`, { token: bob }), 400, 'M_BAD_JSON');
  });

  test('search finds readable messages only', async () => {
    await send(alice, room, { msgtype: 'm.text', body: 'the zebra crossing' });
    const secret = (await ok('POST', `${v3}/createRoom`, { token: carol, body: {} })).room_id;
    await send(carol, secret, { msgtype: 'm.text', body: 'secret zebra plans' });
    const body = { search_categories: { room_events: { search_term: 'zebra' } } };
    const r = await ok('POST', `${v3}/search`, { token: bob, body });
    assert.equal(r.search_categories.room_events.count, 1);
    assert.equal(r.search_categories.room_events.results[0].result.content.body, 'the zebra crossing');
    const c = await ok('POST', `${v3}/search`, { token: carol, body });
    assert.equal(c.search_categories.room_events.count, 1);
    assert.equal(c.search_categories.room_events.results[0].result.room_id, secret);
    const withContext = await ok('POST', `${v3}/search`, { token: bob, body: { search_categories: { room_events: { search_term: 'zebra', event_context: { before_limit: 1, after_limit: 1, include_profile: true } } } } });
    const context = withContext.search_categories.room_events.results[0].context;
    assert.equal(context.events_before.length, 1);
    assert.deepEqual(context.events_after, []);
    assert.ok('@alice:localhost' in context.profile_info);
    assertError(await call('POST', `${v3}/search`, { token: bob, body: { search_categories: { room_events: { search_term: 'zebra', event_context: { before_limit: -1 } } } } }), 400, 'M_BAD_JSON');
    const filtered = await ok('POST', `${v3}/search`, { token: bob, body: { search_categories: { room_events: { search_term: 'zebra', filter: { rooms: [secret] } } } } });
    assert.equal(filtered.search_categories.room_events.count, 0);
    const syntax = await ok('POST', `${v3}/search`, { token: bob, body: { search_categories: { room_events: { search_term: 'zebra" OR "x' } } } });
    assert.equal(syntax.search_categories.room_events.count, 0);
    assertError(await call('POST', `${v3}/search`, { token: bob, body: {} }), 400, 'M_BAD_JSON');
    assertError(await call('POST', `${v3}/search`, { token: bob, body: { search_categories: { room_events: {} } } }), 400, 'M_MISSING_PARAM');
    assertError(await call('POST', `${v3}/search`, { token: bob, body: { search_categories: { room_events: { search_term: 'a', order_by: 'size' } } } }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${v3}/search?next_batch=zz`, { token: bob, body }), 400, 'M_INVALID_PARAM');
  });

  test('public room directory: publish, list, search, unpublish', async () => {
    assertError(await call('PUT', `${v3}/directory/list/room/${enc(room)}`, { token: bob, body: { visibility: 'public' } }), 403, 'M_FORBIDDEN');
    await ok('PUT', `${v3}/directory/list/room/${enc(room)}`, { token: alice, body: { visibility: 'public' } });
    assert.equal((await ok('GET', `${v3}/directory/list/room/${enc(room)}`)).visibility, 'public');
    const list = await ok('GET', `${v3}/publicRooms`);
    assert.equal(list.chunk.length, 1);
    assert.equal(list.chunk[0].name, 'Garden');
    assert.equal(list.chunk[0].num_joined_members, 2);
    assert.equal(list.chunk[0].join_rule, 'public');
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: carol, userId: '@carol:localhost', logger: quiet });
    const found = await client.publicRooms({ filter: { generic_search_term: 'gard' } });
    assert.equal(found.chunk[0].room_id, room);
    assert.equal((await client.publicRooms({ filter: { generic_search_term: 'nothing' } })).chunk.length, 0);
    assertError(await call('PUT', `${v3}/directory/list/room/${enc(room)}`, { token: alice, body: { visibility: 'open' } }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v3}/publicRooms?since=zz`), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v3}/publicRooms?limit=-1`), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v3}/publicRooms?server=elsewhere.example`), 404, 'M_NOT_FOUND');
    await ok('PUT', `${v3}/directory/list/room/${enc(room)}`, { token: alice, body: { visibility: 'private' } });
    assert.equal((await ok('GET', `${v3}/publicRooms`)).chunk.length, 0);
  });

  test('tags: set with matrix-js-sdk, read, delete; only one\'s own', async () => {
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: bob, userId: '@bob:localhost', logger: quiet });
    await client.setRoomTag(room, 'm.favourite', { order: 0.5 });
    const tags = await ok('GET', `${v3}/user/${enc('@bob:localhost')}/rooms/${enc(room)}/tags`, { token: bob });
    assert.deepEqual(tags.tags, { 'm.favourite': { order: 0.5 } });
    await client.deleteRoomTag(room, 'm.favourite');
    assert.deepEqual((await ok('GET', `${v3}/user/${enc('@bob:localhost')}/rooms/${enc(room)}/tags`, { token: bob })).tags, {});
    assertError(await call('GET', `${v3}/user/${enc('@alice:localhost')}/rooms/${enc(room)}/tags`, { token: bob }), 403, 'M_FORBIDDEN');
    assertError(await call('PUT', `${v3}/user/${enc('@bob:localhost')}/rooms/${enc(room)}/tags/u.x`, { token: bob, body: { order: 'first' } }), 400, 'M_BAD_JSON');
  });

  test('report: an event the reporter can see is stored; others 404', async () => {
    const ev = await send(alice, room, { msgtype: 'm.text', body: 'rude' });
    await ok('POST', `${v3}/rooms/${enc(room)}/report/${enc(ev)}`, { token: bob, body: { reason: 'rude', score: -50 } });
    assert.equal(server.core.storage.reports.list().at(-1)!.reason, 'rude');
    assertError(await call('POST', `${v3}/rooms/${enc(room)}/report/${enc(ev)}`, { token: carol, body: { reason: 'x' } }), 404, 'M_NOT_FOUND');
    assertError(await call('POST', `${v3}/rooms/${enc(room)}/report/${enc(ev)}`, { token: bob, body: { reason: 5 } }), 400, 'M_BAD_JSON');
    await ok('POST', `${v3}/rooms/${enc(room)}/report`, { token: carol, body: { reason: 'spam room' } });
  });

  test('knock: refused in a public room, accepted where join_rule is knock', async () => {
    const knocky = (await ok('POST', `${v3}/createRoom`, {
      token: alice, body: { initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }] },
    })).room_id;
    const r = await ok('POST', `${v3}/knock/${enc(knocky)}`, { token: carol, body: { reason: 'let me in' } });
    assert.equal(r.room_id, knocky);
    const members = await ok('GET', `${v3}/rooms/${enc(knocky)}/state/m.room.member/${enc('@carol:localhost')}`, { token: alice });
    assert.equal(members.membership, 'knock');
    assertError(await call('POST', `${v3}/knock/${enc(room)}`, { token: carol, body: {} }), 403, 'M_FORBIDDEN');
    assertError(await call('POST', `${v3}/knock/${enc('#nowhere:localhost')}`, { token: carol, body: {} }), 404, 'M_NOT_FOUND');
    assertError(await call('POST', `${v3}/knock/not-a-room`, { token: carol, body: {} }), 400, 'M_INVALID_PARAM');
  });

  test('hierarchy: a space and its children', async () => {
    const space = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat', name: 'Space', creation_content: { type: 'm.space' } } })).room_id;
    const child = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat', name: 'Child' } })).room_id;
    const hidden = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'private_chat', name: 'Hidden' } })).room_id;
    for (const c of [child, hidden]) {
      await ok('PUT', `${v3}/rooms/${enc(space)}/state/m.space.child/${enc(c)}`, { token: alice, body: { via: ['localhost'] } });
    }
    const h = await ok('GET', `${v1}/rooms/${enc(space)}/hierarchy`, { token: bob });
    assert.deepEqual(h.rooms.map((r: { room_id: string }) => r.room_id), [space, child]);
    assert.equal(h.rooms[0].room_type, 'm.space');
    assert.equal(h.rooms[0].children_state.length, 2);
    assert.equal((await ok('GET', `${v1}/rooms/${enc(space)}/hierarchy?max_depth=0`, { token: bob })).rooms.length, 1);
    assertError(await call('GET', `${v1}/rooms/${enc(hidden)}/hierarchy`, { token: bob }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v1}/rooms/${enc(space)}/hierarchy?from=x`, { token: bob }), 400, 'M_INVALID_PARAM');
  });

  test('user directory: by localpart and display name, with matrix-js-sdk', async () => {
    await ok('PUT', `${v3}/profile/${enc('@carol:localhost')}/displayname`, { token: carol, body: { displayname: 'Carol Danvers' } });
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: alice, userId: '@alice:localhost', logger: quiet });
    const r = await client.searchUserDirectory({ term: 'danv' });
    assert.deepEqual(r.results.map((u) => u.user_id), ['@carol:localhost']);
    assert.equal(r.results[0].display_name, 'Carol Danvers');
    assert.equal((await ok('POST', `${v3}/user_directory/search`, { token: alice, body: { search_term: 'o', limit: 1 } })).limited, true);
    assertError(await call('POST', `${v3}/user_directory/search`, { token: alice, body: {} }), 400, 'M_MISSING_PARAM');
    assertError(await call('POST', `${v3}/user_directory/search`, { token: alice, body: { search_term: 'a', limit: 'x' } }), 400, 'M_INVALID_PARAM');
  });

  test('forget: refused while joined, accepted after leaving', async () => {
    const r = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat' } })).room_id;
    await ok('POST', `${v3}/join/${enc(r)}`, { token: bob, body: {} });
    assertError(await call('POST', `${v3}/rooms/${enc(r)}/forget`, { token: bob, body: {} }), 400, 'M_UNKNOWN');
    await ok('POST', `${v3}/rooms/${enc(r)}/leave`, { token: bob, body: {} });
    await ok('POST', `${v3}/rooms/${enc(r)}/forget`, { token: bob, body: {} });
    assert.equal(server.core.storage.forgottenRooms.isForgotten('@bob:localhost', r), true);
    const withLeave = `${v3}/sync?filter=${enc(JSON.stringify({ room: { include_leave: true } }))}`;
    assert.equal((await ok('GET', withLeave, { token: bob })).rooms.leave[r], undefined, 'a forgotten room is not in /sync');
    // Joining again and leaving again brings it back.
    await ok('POST', `${v3}/join/${enc(r)}`, { token: bob, body: {} });
    await ok('POST', `${v3}/rooms/${enc(r)}/leave`, { token: bob, body: {} });
    assert.ok((await ok('GET', withLeave, { token: bob })).rooms.leave[r], 'the room is back after a new membership');
  });
});
