// Per-event history visibility (spec "Room History Visibility"): what a user who joins later sees
// of the earlier messages under `joined`, `invited` and `shared`, in every API that returns events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3, enc } from './matrix-fetch.js';
import { sdk, quiet } from './clients/matrix-sdk.js';

const v1 = '/_matrix/client/v1';

describe('history visibility per event', () => {
  let server: TestServer;
  const { ok, call, login } = matrixFetch(() => server.matrixUrl);
  let alice: string;
  let txn = 0;
  const tokens: Record<string, string> = {};

  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
    await server.addUser('alice');
    alice = (await login('alice')).json.access_token;
  });
  after(() => server.destroy());

  /** A room under `hv` where alice writes before bob's invite, after it, and after his join. */
  async function scene(hv: string, bob = `bob${hv}`) {
    await server.addUser(bob);
    tokens[bob] = (await login(bob)).json.access_token;
    const room = (await ok('POST', `${v3}/createRoom`, { token: alice, body: {
      preset: 'private_chat', initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: hv } }],
    } })).room_id as string;
    const say = async (body: string, extra: Record<string, unknown> = {}) =>
      (await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/h${++txn}`, { token: alice, body: { msgtype: 'm.text', body, ...extra } })).event_id as string;
    const early = await say(`${hv} word early`);
    await ok('POST', `${v3}/rooms/${enc(room)}/invite`, { token: alice, body: { user_id: `@${bob}:localhost` } });
    const invited = await say(`${hv} word invited`);
    await ok('POST', `${v3}/join/${enc(room)}`, { token: tokens[bob], body: {} });
    const joined = await say(`${hv} word joined`);
    await say(`${hv} reply in thread`, { 'm.relates_to': { rel_type: 'm.thread', event_id: early } });
    return { room, bob, token: tokens[bob], early, invited, joined };
  }

  const bodies = (events: { type: string; content: { body?: string } }[]) =>
    events.filter((e) => e.type === 'm.room.message' && !e.content.body!.includes('thread')).map((e) => e.content.body!.split(' ').pop());

  for (const [hv, expected] of [['joined', ['joined']], ['invited', ['invited', 'joined']], ['shared', ['early', 'invited', 'joined']]] as const) {
    test(`${hv}: the joiner sees ${expected.join(', ')} in /messages, /sync, /event, /context, /search, /relations and /threads`, async () => {
      const s = await scene(hv);
      const token = s.token;
      const msgs = await ok('GET', `${v3}/rooms/${enc(s.room)}/messages?dir=f&limit=50`, { token });
      assert.deepEqual(bodies(msgs.chunk), expected);
      const back = await ok('GET', `${v3}/rooms/${enc(s.room)}/messages?dir=b&limit=50`, { token });
      assert.deepEqual(bodies(back.chunk).reverse(), expected);

      const sync = await ok('GET', `${v3}/sync?filter=${enc(JSON.stringify({ room: { timeline: { limit: 50 } } }))}`, { token });
      assert.deepEqual(bodies(sync.rooms.join[s.room].timeline.events), expected);

      const earlyVisible = hv === 'shared';
      const ev = await call('GET', `${v3}/rooms/${enc(s.room)}/event/${enc(s.early)}`, { token });
      if (earlyVisible) assert.equal(ev.status, 200);
      else assertError(ev, 404, 'M_NOT_FOUND');
      const earlyCtx = await call('GET', `${v3}/rooms/${enc(s.room)}/context/${enc(s.early)}`, { token });
      if (earlyVisible) assert.equal(earlyCtx.status, 200);
      else assertError(earlyCtx, 404, 'M_NOT_FOUND');
      const ctx = await ok('GET', `${v3}/rooms/${enc(s.room)}/context/${enc(s.joined)}?limit=20`, { token });
      assert.deepEqual(bodies([...ctx.events_before].reverse()), expected.slice(0, -1));

      const found = await ok('POST', `${v3}/search`, { token, body: { search_categories: { room_events: { search_term: `${hv} word`, filter: { rooms: [s.room] } } } } });
      assert.deepEqual(found.search_categories.room_events.results.map((r: { result: { event_id: string } }) => r.result.event_id).sort(),
        [s.early, s.invited, s.joined].filter((_, i) => i >= 3 - expected.length).sort());

      const rel = await call('GET', `${v1}/rooms/${enc(s.room)}/relations/${enc(s.early)}`, { token });
      assert.equal(rel.status, earlyVisible ? 200 : 404);
      const threads = await ok('GET', `${v1}/rooms/${enc(s.room)}/threads`, { token });
      assert.equal(threads.chunk.length, earlyVisible ? 1 : 0);

      // alice, there from the start, sees everything.
      const hers = await ok('GET', `${v3}/rooms/${enc(s.room)}/messages?dir=f&limit=50`, { token: alice });
      assert.deepEqual(bodies(hers.chunk), ['early', 'invited', 'joined']);
    });
  }

  test('matrix-js-sdk shows a joiner under `joined` only what came after the join', async () => {
    const s = await scene('joined', 'sdkjoiner');
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: s.token, userId: `@${s.bob}:localhost`, logger: quiet });
    try {
      const prepared = new Promise<void>((resolve) => client.on(sdk.ClientEvent.Sync, (st) => { if (st === sdk.SyncState.Prepared) resolve(); }));
      await client.startClient({ initialSyncLimit: 30 });
      await prepared;
      const room = client.getRoom(s.room)!;
      await client.scrollback(room, 30);
      const seen = room.getLiveTimeline().getEvents().filter((e) => e.getType() === 'm.room.message').map((e) => e.getContent().body);
      assert.ok(seen.includes('joined word joined'));
      assert.ok(!seen.some((b) => b.endsWith('early') || b.endsWith('invited')), JSON.stringify(seen));
    } finally {
      client.stopClient();
    }
  });
  test('bundled aggregations hold only relations the viewer may see: a former member gets none made after the leave', async () => {
    await server.addUser('leaver');
    const token = (await login('leaver')).json.access_token;
    const room = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat' } })).room_id as string;
    await ok('POST', `${v3}/join/${enc(room)}`, { token, body: {} });
    const root = (await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/b${++txn}`, { token: alice, body: { msgtype: 'm.text', body: 'root' } })).event_id;
    await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.reaction/b${++txn}`, { token, body: { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👀' } } });
    await ok('POST', `${v3}/rooms/${enc(room)}/leave`, { token, body: {} });
    await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.reaction/b${++txn}`, { token: alice, body: { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👍' } } });
    await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/b${++txn}`, { token: alice, body: { msgtype: 'm.text', body: 'later', 'm.relates_to': { rel_type: 'm.thread', event_id: root } } });
    await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/b${++txn}`, { token: alice, body: { msgtype: 'm.text', body: '* edited', 'm.new_content': { msgtype: 'm.text', body: 'edited' }, 'm.relates_to': { rel_type: 'm.replace', event_id: root } } });

    const theirs = (await ok('GET', `${v3}/rooms/${enc(room)}/event/${enc(root)}`, { token })).unsigned['m.relations'];
    assert.deepEqual(theirs, { 'm.annotation': { chunk: [{ type: 'm.reaction', key: '👀', count: 1 }] } });
    const hers = (await ok('GET', `${v3}/rooms/${enc(room)}/event/${enc(root)}`, { token: alice })).unsigned['m.relations'];
    assert.equal(hers['m.annotation'].chunk.length, 2);
    assert.equal(hers['m.thread'].count, 1);
    assert.equal(hers['m.replace'].content.body, '* edited');
  });

  test('notification counts and /notifications leave out what a user could not see while away', async () => {
    await server.addUser('away');
    const token = (await login('away')).json.access_token;
    const room = (await ok('POST', `${v3}/createRoom`, { token: alice, body: {
      preset: 'public_chat', initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'joined' } }],
    } })).room_id as string;
    await ok('POST', `${v3}/join/${enc(room)}`, { token, body: {} });
    const seen = (await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/n${++txn}`, { token: alice, body: { msgtype: 'm.text', body: 'hello away', 'm.mentions': { user_ids: ['@away:localhost'] } } })).event_id;
    await ok('POST', `${v3}/rooms/${enc(room)}/receipt/m.read/${enc(seen)}`, { token, body: {} });
    await ok('POST', `${v3}/rooms/${enc(room)}/leave`, { token, body: {} });
    await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/n${++txn}`, { token: alice, body: { msgtype: 'm.text', body: 'while away', 'm.mentions': { user_ids: ['@away:localhost'] } } });
    await ok('POST', `${v3}/join/${enc(room)}`, { token, body: {} });
    const back = (await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/n${++txn}`, { token: alice, body: { msgtype: 'm.text', body: 'welcome back', 'm.mentions': { user_ids: ['@away:localhost'] } } })).event_id;

    const counts = (await ok('GET', `${v3}/sync`, { token })).rooms.join[room].unread_notifications;
    assert.deepEqual(counts, { notification_count: 1, highlight_count: 1 });
    const listed = (await ok('GET', `${v3}/notifications`, { token })).notifications.filter((n: { room_id: string }) => n.room_id === room);
    assert.deepEqual(listed.map((n: { event: { event_id: string } }) => n.event.event_id), [back, seen]);
  });
});
