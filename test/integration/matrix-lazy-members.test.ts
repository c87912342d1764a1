// Lazy-loading room members (spec "Lazy-loading room members"): /sync, /messages and /context
// send only the member events of the senders shown, /sync not again what the device already has.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { matrixFetch, v3, enc } from './matrix-fetch.js';
import { sdk, quiet, until } from './clients/matrix-sdk.js';

describe('lazy-loading room members', () => {
  let server: TestServer;
  const { ok, login } = matrixFetch(() => server.matrixUrl);
  const tokens: Record<string, string> = {};
  const id = (name: string) => `@${name}:localhost`;
  let room: string;
  let txn = 0;
  const say = async (who: string, body: string) =>
    (await ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/t${++txn}`, { token: tokens[who], body: { msgtype: 'm.text', body } })).event_id as string;
  const lazy = (extra: Record<string, unknown> = {}, limit = 2) =>
    enc(JSON.stringify({ room: { state: { lazy_load_members: true, ...extra }, timeline: { limit } } }));
  const sync = (who: string, filter: string, since?: string) =>
    ok('GET', `${v3}/sync?filter=${filter}${since ? `&since=${since}` : ''}`, { token: tokens[who] });
  const membersIn = (res: Record<string, any>) => (res.rooms.join[room]?.state.events ?? [])
    .filter((e: { type: string }) => e.type === 'm.room.member').map((e: { state_key: string }) => e.state_key).sort();

  // alice creates the room; bob syncs; the summary's heroes are the first five others.
  const everyone = ['alice', 'bob', 'carol', 'dan', 'erin', 'fay', 'zed', 'yan'];
  const heroes = ['alice', 'carol', 'dan', 'erin', 'fay'].map(id);

  before(async () => {
    server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
    for (const u of everyone) {
      await server.addUser(u);
      tokens[u] = (await login(u)).json.access_token;
    }
    room = (await ok('POST', `${v3}/createRoom`, { token: tokens.alice, body: { preset: 'public_chat' } })).room_id;
    for (const u of everyone.slice(1)) await ok('POST', `${v3}/join/${enc(room)}`, { token: tokens[u], body: {} });
  });
  after(() => server.destroy());

  test('/sync sends the senders, heroes and own member events once per device, and the gap of a limited sync', async () => {
    await say('yan', 'y1');
    await say('zed', 'z1');
    await say('alice', 'a1');
    const all = await sync('bob', enc(JSON.stringify({ room: { timeline: { limit: 2 } } })));
    assert.equal(membersIn(all).length, everyone.length, 'without lazy loading: every member');

    const first = await sync('bob', lazy());
    assert.deepEqual(membersIn(first), [...heroes, id('bob'), id('zed')].sort(), 'senders z1 and a1, heroes, bob; not yan');
    assert.deepEqual(first.rooms.join[room].summary, { 'm.heroes': heroes, 'm.joined_member_count': 8, 'm.invited_member_count': 0 });

    await say('yan', 'y2');
    await say('zed', 'z2');
    const second = await sync('bob', lazy(), first.next_batch);
    assert.deepEqual(membersIn(second), [id('yan')], 'yan is new to this device; zed is redundant');
    const redundant = await sync('bob', lazy({ include_redundant_members: true }), first.next_batch);
    assert.deepEqual(membersIn(redundant), [...heroes, id('yan'), id('zed')].sort(), 'heroes and senders, known or not');

    // The client retries the same since (it lost the response): yan's member event comes again.
    const retry = await sync('bob', lazy(), first.next_batch);
    assert.deepEqual(membersIn(retry), [id('yan')]);
    await say('yan', 'y3');
    assert.deepEqual(membersIn(await sync('bob', lazy(), retry.next_batch)), [], 'acknowledged: not again');

    // Another device of bob's has nothing yet.
    tokens.bob2 = (await login('bob')).json.access_token;
    const other = await sync('bob2', lazy());
    assert.ok(membersIn(other).includes(id('yan')));

    // Limited: erin renames herself in the gap, then alice talks past the timeline limit.
    const before = await sync('bob', lazy());
    await ok('PUT', `${v3}/rooms/${enc(room)}/state/m.room.member/${enc(id('erin'))}`, { token: tokens.erin, body: { membership: 'join', displayname: 'Erin E.' } });
    for (const b of ['a2', 'a3', 'a4']) await say('alice', b);
    const limited = await sync('bob', lazy(), before.next_batch);
    assert.equal(limited.rooms.join[room].timeline.limited, true);
    const erin = limited.rooms.join[room].state.events.find((e: { state_key: string }) => e.state_key === id('erin'));
    assert.equal(erin?.content.displayname, 'Erin E.', 'member changes in the gap always come');
    assert.deepEqual(membersIn(limited), [id('erin')], 'alice is redundant');
  });

  test('/messages and /context carry the members of the senders shown', async () => {
    const c = await say('carol', 'c-ctx');
    await say('dan', 'd-ctx');
    const filter = enc(JSON.stringify({ lazy_load_members: true }));
    const page = await ok('GET', `${v3}/rooms/${enc(room)}/messages?dir=b&limit=2&filter=${filter}`, { token: tokens.bob });
    assert.deepEqual(page.state.map((e: { state_key: string }) => e.state_key).sort(), [id('carol'), id('dan')]);
    const plain = await ok('GET', `${v3}/rooms/${enc(room)}/messages?dir=b&limit=2`, { token: tokens.bob });
    assert.equal(plain.state, undefined);
    const ctx = await ok('GET', `${v3}/rooms/${enc(room)}/context/${enc(c)}?limit=0&filter=${filter}`, { token: tokens.bob });
    assert.deepEqual(ctx.state.map((e: { state_key: string }) => e.state_key), [id('carol')]);
    const full = await ok('GET', `${v3}/rooms/${enc(room)}/context/${enc(c)}?limit=0`, { token: tokens.bob });
    assert.equal(full.state.filter((e: { type: string }) => e.type === 'm.room.member').length, everyone.length);
  });

  test('matrix-js-sdk with lazyLoadMembers: counts from the summary, the rest of the members on demand', async () => {
    for (const b of ['m1', 'm2', 'm3']) await say('zed', b);
    const res = await login('carol');
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: res.json.access_token, userId: id('carol'), deviceId: res.json.device_id, logger: quiet });
    try {
      const prepared = new Promise<void>((resolve) => client.on(sdk.ClientEvent.Sync, (s) => { if (s === sdk.SyncState.Prepared) resolve(); }));
      await client.startClient({ lazyLoadMembers: true, initialSyncLimit: 3 });
      await prepared;
      const r = client.getRoom(room)!;
      assert.equal(r.getJoinedMemberCount(), 8);
      assert.equal(r.getMember(id('zed'))?.membership, 'join', 'the sender shown');
      assert.equal(r.getMember(id('yan')), null, 'not loaded yet');
      await r.loadMembersIfNeeded();
      await until('all members', () => r.getJoinedMembers().length === 8);
      assert.equal(r.getMember(id('erin'))?.name, 'Erin E.');
    } finally {
      client.stopClient();
    }
  });
});
