// Server-side search (spec search.yaml): keys, order_by, filters, event_context with historic
// profiles, include_state, groupings with per-group paging, next_batch, count and highlights.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3, enc } from './matrix-fetch.js';
import { sdk, quiet } from './clients/matrix-sdk.js';

describe('server-side search', () => {
  let server: TestServer;
  const { ok, call, login } = matrixFetch(() => server.matrixUrl);
  let alice: string;
  let bob: string;
  let garden: string;
  let fair: string;
  const ids: Record<string, string> = {};
  let txn = 0;
  const say = async (token: string, room: string, body: string) =>
    (await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/s${++txn}`, { token, body: { msgtype: 'm.text', body } })).event_id as string;
  const search = async (criteria: Record<string, unknown>, nextBatch?: string) =>
    (await ok('POST', `${v3}/search${nextBatch ? `?next_batch=${enc(nextBatch)}` : ''}`, { token: bob, body: { search_categories: { room_events: { search_term: 'tulip', ...criteria } } } })).search_categories.room_events;
  const idsOf = (r: { results: { result: { event_id: string } }[] }) => r.results.map((x) => x.result.event_id);

  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
    await server.addUser('alice');
    await server.addUser('bob');
    alice = (await login('alice')).json.access_token;
    bob = (await login('bob')).json.access_token;
    await ok('PUT', `${v3}/profile/${enc('@alice:localhost')}/displayname`, { token: alice, body: { displayname: 'Alice Early' } });
    garden = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat', name: 'Tulip talk', topic: 'all about tulip bulbs' } })).room_id;
    fair = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat' } })).room_id;
    for (const r of [garden, fair]) await ok('POST', `${v3}/join/${enc(r)}`, { token: bob, body: {} });
    ids.t1 = await say(alice, garden, 'tulip bulbs are ready');
    ids.t2 = await say(bob, garden, 'I planted a Tulip today');
    ids.t3 = await say(alice, fair, 'the tulip festival opens');
    await ok('PUT', `${v3}/profile/${enc('@alice:localhost')}/displayname`, { token: alice, body: { displayname: 'Alice in Bloom' } });
    ids.t4 = await say(alice, fair, 'one more tulip please');
  });
  after(() => server.destroy());

  test('keys choose bodies, room names or topics; order_by recent; filters; count and highlights', async () => {
    const all = await search({});
    assert.equal(all.count, 6, 'four messages, the name and the topic');
    const names = await search({ keys: ['content.name'] });
    assert.deepEqual(names.results.map((r: any) => [r.result.type, r.result.content.name]), [['m.room.name', 'Tulip talk']]);
    const topics = await search({ keys: ['content.topic'] });
    assert.deepEqual(topics.results.map((r: any) => r.result.type), ['m.room.topic']);
    const recent = await search({ keys: ['content.body'], order_by: 'recent' });
    assert.deepEqual(idsOf(recent), [ids.t4, ids.t3, ids.t2, ids.t1]);
    assert.ok(recent.results.every((r: { rank: unknown }) => typeof r.rank === 'number'));
    assert.ok(recent.highlights.includes('tulip') && recent.highlights.includes('Tulip'), JSON.stringify(recent.highlights));
    const bobs = await search({ filter: { senders: ['@bob:localhost'] } });
    assert.deepEqual(idsOf(bobs), [ids.t2]);
    const inFair = await search({ filter: { rooms: [fair] }, order_by: 'recent' });
    assert.deepEqual(idsOf(inFair), [ids.t4, ids.t3]);
    const noMessages = await search({ filter: { not_types: ['m.room.message'] } });
    assert.equal(noMessages.count, 2);
    assertError(await call('POST', `${v3}/search`, { token: bob, body: { search_categories: { room_events: { search_term: 'tulip', keys: ['content.msgtype'] } } } }), 400, 'M_INVALID_PARAM');
  });

  test('event_context with historic profiles, and include_state', async () => {
    const r = await search({ keys: ['content.body'], order_by: 'recent', include_state: true, event_context: { before_limit: 1, after_limit: 1, include_profile: true } });
    const [t4, t3] = r.results;
    assert.equal(t3.context.profile_info['@alice:localhost'].displayname, 'Alice Early', 'her name when she wrote t3');
    assert.equal(t4.context.profile_info['@alice:localhost'].displayname, 'Alice in Bloom');
    assert.equal(t3.context.events_after[0].type, 'm.room.member', 'the rename came after t3');
    assert.deepEqual(Object.keys(r.state).sort(), [garden, fair].sort());
    assert.ok(r.state[garden].some((e: { type: string }) => e.type === 'm.room.create'));
  });

  test('next_batch pages through; groups by room and sender, each with its own next_batch', async () => {
    const first = await search({ keys: ['content.body'], order_by: 'recent', filter: { limit: 3 }, groupings: { group_by: [{ key: 'room_id' }, { key: 'sender' }] } });
    assert.deepEqual(idsOf(first), [ids.t4, ids.t3, ids.t2]);
    assert.equal(first.count, 4);
    assert.deepEqual(first.groups.room_id[fair], { order: 1, results: [ids.t4, ids.t3] }, 'all of the fair: no next_batch');
    assert.deepEqual(first.groups.room_id[garden].results, [ids.t2]);
    assert.deepEqual(first.groups.sender['@alice:localhost'].results, [ids.t4, ids.t3]);
    const rest = await search({ keys: ['content.body'], order_by: 'recent', filter: { limit: 3 } }, first.next_batch);
    assert.deepEqual(idsOf(rest), [ids.t1]);
    assert.equal(rest.next_batch, undefined);
    // The garden group's token pages on in the garden alone.
    const garden2 = await search({ keys: ['content.body'], order_by: 'recent', filter: { limit: 3 } }, first.groups.room_id[garden].next_batch);
    assert.deepEqual(idsOf(garden2), [ids.t1]);
    const alice2 = await search({ keys: ['content.body'], order_by: 'recent', filter: { limit: 3 } }, first.groups.sender['@alice:localhost'].next_batch);
    assert.deepEqual(idsOf(alice2), [ids.t1]);
    assertError(await call('POST', `${v3}/search?next_batch=zz`, { token: bob, body: { search_categories: { room_events: { search_term: 'tulip' } } } }), 400, 'M_INVALID_PARAM');
  });

  test('matrix-js-sdk searchRoomEvents gets results with their context', async () => {
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: bob, userId: '@bob:localhost', logger: quiet });
    const res = await client.searchRoomEvents({ term: 'festival' });
    assert.equal(res.results.length, 1);
    const timeline = res.results[0].context.getTimeline();
    // One event before (bob's join) and one after (alice's rename) around the hit.
    assert.deepEqual(timeline.map((e) => e.getType()), ['m.room.member', 'm.room.message', 'm.room.member']);
    assert.equal(timeline[1].getContent().body, 'the tulip festival opens');
    assert.deepEqual(res.highlights, ['festival']);
  });
});
