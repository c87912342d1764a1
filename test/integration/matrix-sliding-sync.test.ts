// Simplified Sliding Sync (MSC4186) with raw requests: bad input, list order and windows,
// required_state, what an incremental request sends again and what not, the long-poll, invites
// and the extensions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, enc, matrixFetch, v3, type Reply } from './matrix-fetch.js';

const SSS = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';
let server: TestServer;
const { call, login, ok } = matrixFetch(() => server.matrixUrl);

interface User { token: string; userId: string; deviceId: string }
let alice: User;
let bob: User;

async function user(name: string): Promise<User> {
  const r = (await login(name)).json;
  return { token: r.access_token, userId: r.user_id, deviceId: r.device_id };
}

function sss(u: User, body: unknown, query = ''): Promise<Reply> {
  return call('POST', `${SSS}${query ? `?${query}` : ''}`, { token: u.token, body });
}

async function sssOk(u: User, body: unknown, query = ''): Promise<Record<string, any>> {
  const r = await sss(u, body, query);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

async function createRoom(u: User, body: Record<string, unknown>): Promise<string> {
  return (await ok('POST', `${v3}/createRoom`, { token: u.token, body })).room_id;
}

let txn = 0;
async function send(u: User, roomId: string, body: string): Promise<string> {
  return (await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/t${++txn}`, { token: u.token, body: { msgtype: 'm.text', body } })).event_id;
}

const bodies = (room: Record<string, any>) => (room.timeline ?? []).filter((e: any) => e.type === 'm.room.message').map((e: any) => e.content.body);
const list = (ranges: number[][], extra: Record<string, unknown> = {}) => ({ ranges, timeline_limit: 1, required_state: [['m.room.name', '']], ...extra });

describe('Simplified Sliding Sync (raw requests)', () => {
  before(async () => {
    server = await startTestServer();
    await server.addUser('alice');
    await server.addUser('bob');
    alice = await user('alice');
    bob = await user('bob');
  });
  after(async () => { await server?.destroy(); });

  it('/versions advertises org.matrix.simplified_msc3575', async () => {
    const r = await call('GET', '/_matrix/client/versions');
    assert.equal(r.json.unstable_features['org.matrix.simplified_msc3575'], true);
  });

  describe('bad input', () => {
    it('needs an access token', async () => {
      assertError(await call('POST', SSS, { body: {} }), 401, 'M_MISSING_TOKEN');
    });
    it('a body that is not JSON is M_NOT_JSON', async () => {
      assertError(await call('POST', SSS, { token: alice.token, raw: '{"lists": ' }), 400, 'M_NOT_JSON');
    });
    it('a body that is not an object, or a known field of the wrong type, is M_BAD_JSON', async () => {
      assertError(await sss(alice, [1, 2]), 400, 'M_BAD_JSON');
      assertError(await sss(alice, { lists: { a: { ranges: [[0, 1]], timeline_limit: 'ten' } } }), 400, 'M_BAD_JSON');
      assertError(await sss(alice, { lists: { a: { ranges: [[0, 1]], required_state: ['m.room.name'] } } }), 400, 'M_BAD_JSON');
      assertError(await sss(alice, { lists: { a: { ranges: [[0, 1]], filters: { is_dm: 1 } } } }), 400, 'M_BAD_JSON');
    });
    it('a range that ends before it starts, or starts below zero, is M_INVALID_PARAM', async () => {
      assertError(await sss(alice, { lists: { a: list([[5, 2]]) } }), 400, 'M_INVALID_PARAM');
      assertError(await sss(alice, { lists: { a: list([[-1, 2]]) } }), 400, 'M_INVALID_PARAM');
      assertError(await sss(alice, { lists: { a: list([[0]]) } }), 400, 'M_BAD_JSON');
      assertError(await sss(alice, { lists: { 'not a name': list([[0, 1]]) } }), 400, 'M_INVALID_PARAM');
    });
    it('a pos the server never handed out (or no longer holds) is 400 M_UNKNOWN_POS', async () => {
      assertError(await sss(alice, { lists: {} }, 'pos=12_nonsense'), 400, 'M_UNKNOWN_POS');
      // A pos of one conn_id is unknown to another.
      const first = await sssOk(alice, { conn_id: 'one', lists: {} });
      assertError(await sss(alice, { conn_id: 'two', lists: {} }, `pos=${enc(first.pos)}`), 400, 'M_UNKNOWN_POS');
      // ... and to another device of the same user.
      const other = await user('alice');
      assertError(await sss(other, { conn_id: 'one', lists: {} }, `pos=${enc(first.pos)}`), 400, 'M_UNKNOWN_POS');
    });
    it('a bad timeout or to_device since is M_INVALID_PARAM', async () => {
      assertError(await sss(alice, {}, 'timeout=soon'), 400, 'M_INVALID_PARAM');
      assertError(await sss(alice, { extensions: { to_device: { enabled: true, since: 'yesterday' } } }), 400, 'M_INVALID_PARAM');
    });
    it('list fields it does not know are ignored, so a newer client still syncs', async () => {
      const r = await sssOk(alice, { lists: { a: list([[0, 1]], { sort: ['by_recency'], bump_event_types: ['m.room.message'], some_future_field: { x: 1 } }) }, txn_id: 'x' });
      assert.equal(typeof r.pos, 'string');
      assert.equal(typeof r.lists.a.count, 'number');
    });
  });

  describe('lists, rooms and incremental requests', () => {
    let first: string;
    let second: string;
    let third: string;

    before(async () => {
      first = await createRoom(alice, { name: 'first' });
      second = await createRoom(alice, { name: 'second' });
      third = await createRoom(alice, { name: 'third' });
      await send(alice, third, 'third-1');
      await send(alice, second, 'second-1');
      await send(alice, first, 'first-1');
    });

    it('lists rooms by latest activity, counts the whole list and sends the window', async () => {
      const r = await sssOk(alice, { conn_id: 'order', lists: { all: list([[0, 0]]) } });
      assert.equal(r.lists.all.count, 3);
      assert.deepEqual(Object.keys(r.rooms), [first]);
      const a = r.rooms[first];
      assert.equal(a.initial, true);
      assert.equal(a.name, 'first');
      assert.equal(a.membership, 'join');
      assert.deepEqual(a.lists, ['all']);
      assert.deepEqual(bodies(a), ['first-1']);
      assert.equal(a.timeline.length, 1);
      assert.equal(a.limited, true);
      assert.equal(typeof a.prev_batch, 'string');
      assert.equal(a.joined_count, 1);
      assert.equal(a.invited_count, 0);
      assert.equal(a.notification_count, 0);
      assert.equal(a.highlight_count, 0);
      assert.equal(typeof a.bump_stamp, 'number');
      assert.deepEqual(a.required_state.map((e: any) => e.type), ['m.room.name']);

      // A message to the third room moves it to the top: it is sent whole (new to this connection).
      await send(alice, third, 'third-2');
      const r2 = await sssOk(alice, { conn_id: 'order', lists: { all: list([[0, 0]]) } }, `pos=${enc(r.pos)}`);
      assert.deepEqual(Object.keys(r2.rooms), [third]);
      assert.equal(r2.rooms[third].initial, true);
      assert.deepEqual(bodies(r2.rooms[third]), ['third-2']);
      assert.equal(r2.rooms[third].num_live, 1);
      assert.ok(r2.rooms[third].bump_stamp > a.bump_stamp);

      // Widening the window sends only the room the client does not have yet (first was sent and did not change).
      const r3 = await sssOk(alice, { conn_id: 'order', lists: { all: list([[0, 2]]) } }, `pos=${enc(r2.pos)}`);
      assert.deepEqual(Object.keys(r3.rooms), [second]);
      assert.equal(r3.rooms[second].initial, true);
      assert.equal(r3.rooms[second].num_live, 0);
      assert.ok(r3.rooms[second].bump_stamp < a.bump_stamp);

      // A room already sent comes back with only what is new: no `initial`, no name again.
      await send(alice, second, 'second-2');
      const r4 = await sssOk(alice, { conn_id: 'order', lists: { all: list([[0, 2]]) } }, `pos=${enc(r3.pos)}`);
      assert.deepEqual(Object.keys(r4.rooms), [second]);
      const s = r4.rooms[second];
      assert.equal(s.initial, undefined);
      assert.equal(s.name, undefined);
      assert.equal(s.limited, undefined);
      assert.equal(s.num_live, 1);
      assert.deepEqual(bodies(s), ['second-2']);
      assert.deepEqual(s.required_state, []);
      assert.ok(s.bump_stamp > r2.rooms[third].bump_stamp);

      // Nothing new: an empty answer at once without a timeout, with no rooms.
      const r5 = await sssOk(alice, { conn_id: 'order', lists: { all: list([[0, 2]]) } }, `pos=${enc(r4.pos)}`);
      assert.deepEqual(r5.rooms, {});
      assert.ok(r5.lists.all.count >= 3);
    });

    it('retrying with the same pos gives the same rooms again', async () => {
      const r = await sssOk(alice, { conn_id: 'retry', lists: { all: list([[0, 0]]) } });
      await send(alice, second, 'retry-me');
      const a = await sssOk(alice, { conn_id: 'retry', lists: { all: list([[0, 0]]) } }, `pos=${enc(r.pos)}`);
      const b = await sssOk(alice, { conn_id: 'retry', lists: { all: list([[0, 0]]) } }, `pos=${enc(r.pos)}`);
      assert.deepEqual(bodies(a.rooms[second]), ['retry-me']);
      assert.deepEqual(bodies(b.rooms[second]), ['retry-me']);
      // Using the newer pos drops the older one.
      await sssOk(alice, { conn_id: 'retry', lists: { all: list([[0, 0]]) } }, `pos=${enc(b.pos)}`);
      assertError(await sss(alice, { conn_id: 'retry', lists: {} }, `pos=${enc(r.pos)}`), 400, 'M_UNKNOWN_POS');
    });

    it('a room subscription sends its room outside every list, and sticks until unsubscribed', async () => {
      const r = await sssOk(alice, { conn_id: 'sub', lists: { top: list([[0, 0]]) }, room_subscriptions: { [third]: { timeline_limit: 3, required_state: [['m.room.create', '']] } } });
      assert.ok(r.rooms[third]);
      assert.equal(r.rooms[third].lists, undefined);
      assert.deepEqual(bodies(r.rooms[third]), ['third-1', 'third-2']);
      assert.deepEqual(r.rooms[third].required_state.map((e: any) => e.type), ['m.room.create']);
      await send(alice, third, 'third-3');
      const r2 = await sssOk(alice, { conn_id: 'sub', lists: { top: list([[0, 0]]) } }, `pos=${enc(r.pos)}`);
      assert.deepEqual(bodies(r2.rooms[third]), ['third-3']);
      const r3 = await sssOk(alice, { conn_id: 'sub', lists: { top: list([[0, 0]]) }, unsubscribe_rooms: [third] }, `pos=${enc(r2.pos)}`);
      await send(alice, third, 'third-4');
      await send(alice, first, 'first-2');
      const r4 = await sssOk(alice, { conn_id: 'sub', lists: { top: list([[0, 0]]) } }, `pos=${enc(r3.pos)}`);
      // third-4 is not the newest activity any more, and third is no longer subscribed.
      assert.deepEqual(Object.keys(r4.rooms), [first]);
      // A subscription to a room the user is not in is ignored.
      const stranger = await createRoom(bob, { name: 'not yours' });
      const r5 = await sssOk(alice, { conn_id: 'sub2', room_subscriptions: { [stranger]: { timeline_limit: 5 }, '!nowhere:localhost': { timeline_limit: 5 } } });
      assert.deepEqual(r5.rooms, {});
    });

    it('a larger timeline_limit sends the older events the client never got (expanded_timeline)', async () => {
      const r = await sssOk(alice, { conn_id: 'grow', room_subscriptions: { [second]: { timeline_limit: 1 } } });
      assert.deepEqual(bodies(r.rooms[second]), ['retry-me']);
      const r2 = await sssOk(alice, { conn_id: 'grow', room_subscriptions: { [second]: { timeline_limit: 4 } } }, `pos=${enc(r.pos)}`);
      assert.equal(r2.rooms[second].expanded_timeline, true);
      // The newest four events: the room name, then the three messages.
      assert.deepEqual(bodies(r2.rooms[second]), ['second-1', 'second-2', 'retry-me']);
      assert.equal(r2.rooms[second].timeline.length, 4);
      assert.equal(r2.rooms[second].num_live, 0);
      // Once sent, the same limit sends nothing again.
      const r3 = await sssOk(alice, { conn_id: 'grow', room_subscriptions: { [second]: { timeline_limit: 4 } } }, `pos=${enc(r2.pos)}`);
      assert.deepEqual(r3.rooms, {});
    });
    it('a room whose only change is the user\'s own read receipt comes again with its new counts; others\' receipts do not', async () => {
      const roomId = await createRoom(bob, { name: 'unread', invite: [alice.userId] });
      await ok('POST', `${v3}/rooms/${enc(roomId)}/join`, { token: alice.token, body: {} });
      await send(bob, roomId, 'one');
      const last = await send(bob, roomId, 'two');
      const body = { conn_id: 'unread', lists: { all: list([[0, 0]]) } };
      const r = await sssOk(alice, body);
      assert.equal(r.rooms[roomId].notification_count, 2);
      // Bob's receipt changes nothing alice counts: the long-poll times out empty.
      await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(last)}`, { token: bob.token, body: {} });
      const idle = await sssOk(alice, body, `pos=${enc(r.pos)}&timeout=300`);
      assert.deepEqual(idle.rooms, {});
      // Alice reads on another device: this connection gets the room with its counts, and no events.
      const other = await user('alice');
      const pending = sssOk(alice, body, `pos=${enc(idle.pos)}&timeout=10000`);
      await new Promise((res) => setTimeout(res, 100));
      await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read.private/${enc(last)}`, { token: other.token, body: {} });
      const read = (await pending).rooms[roomId];
      assert.equal(read.notification_count, 0);
      assert.equal(read.highlight_count, 0);
      assert.equal(read.timeline, undefined);
      assert.equal(read.initial, undefined);
    });

    it('history_visibility `joined`: events from before the user joined stay out of the timeline', async () => {
      const hv = (v: string) => [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: v } }];
      const hidden = await createRoom(bob, { name: 'joined-only', initial_state: hv('joined') });
      const shared = await createRoom(bob, { name: 'shared', initial_state: hv('shared') });
      for (const roomId of [hidden, shared]) {
        await send(bob, roomId, 'before');
        await ok('POST', `${v3}/rooms/${enc(roomId)}/invite`, { token: bob.token, body: { user_id: alice.userId } });
        await ok('POST', `${v3}/rooms/${enc(roomId)}/join`, { token: alice.token, body: {} });
        await send(bob, roomId, 'after');
      }
      const r = await sssOk(alice, { conn_id: 'hv', room_subscriptions: { [hidden]: { timeline_limit: 10 }, [shared]: { timeline_limit: 10 } } });
      assert.deepEqual(bodies(r.rooms[hidden]), ['after']);
      assert.ok(r.rooms[hidden].timeline.some((e: any) => e.type === 'm.room.member' && e.state_key === alice.userId && e.content.membership === 'join'));
      assert.deepEqual(bodies(r.rooms[shared]), ['before', 'after']);
    });
  });

  describe('MSC3575 filters matrix-js-sdk still sends: room_name_like and include_old_rooms', () => {
    it('room_name_like keeps the rooms whose name contains the term, ignoring case; an unnamed room goes by its members', async () => {
      await server.addUser('carol');
      const carol = await user('carol');
      await ok('PUT', `${v3}/profile/${enc(carol.userId)}/displayname`, { token: carol.token, body: { displayname: 'Carol Quux' } });
      const club = await createRoom(carol, { name: 'Quuxbook Club', invite: [alice.userId] });
      const unnamed = await createRoom(carol, { invite: [alice.userId] });
      await createRoom(carol, { name: 'quux things' });
      for (const id of [club, unnamed]) await ok('POST', `${v3}/rooms/${enc(id)}/join`, { token: alice.token, body: {} });
      const r = await sssOk(alice, { conn_id: 'like', lists: {
        club: list([[0, 9]], { filters: { room_name_like: 'BOOK c' } }),
        quux: list([[0, 9]], { filters: { room_name_like: 'quux' } }),
      } });
      assert.equal(r.lists.club.count, 1);
      assert.deepEqual(r.rooms[club].lists, ['club', 'quux']);
      // The unnamed room is named after Carol; the room alice is not in is not hers to list.
      assert.equal(r.lists.quux.count, 2);
      assert.deepEqual(r.rooms[unnamed].lists, ['quux']);
      assertError(await sss(alice, { lists: { a: list([[0, 1]], { filters: { room_name_like: 7 } }) } }), 400, 'M_BAD_JSON');
    });

    it('include_old_rooms sends the rooms a matched room replaced, with their own config, outside the lists', async () => {
      const old = await createRoom(alice, { name: 'before the upgrade' });
      const replacement = (await ok('POST', `${v3}/rooms/${enc(old)}/upgrade`, { token: alice.token, body: { new_version: '11' } })).replacement_room;
      await send(alice, replacement, 'in the new room');
      const oldRooms = { timeline_limit: 0, required_state: [['m.room.tombstone', ''], ['m.room.create', '']] };
      const r = await sssOk(alice, { conn_id: 'old', lists: { top: list([[0, 0]], { include_old_rooms: oldRooms }) } });
      assert.deepEqual(Object.keys(r.rooms).sort(), [old, replacement].sort());
      assert.deepEqual(r.rooms[replacement].lists, ['top']);
      const o = r.rooms[old];
      assert.equal(o.lists, undefined);
      assert.deepEqual(o.timeline, []);
      assert.equal(o.required_state.find((e: any) => e.type === 'm.room.tombstone').content.replacement_room, replacement);
      // Subscriptions too; without include_old_rooms only the room itself.
      const s1 = await sssOk(alice, { conn_id: 'old-sub', room_subscriptions: { [replacement]: { timeline_limit: 1, include_old_rooms: oldRooms } } });
      assert.deepEqual(Object.keys(s1.rooms).sort(), [old, replacement].sort());
      const s2 = await sssOk(alice, { conn_id: 'old-none', room_subscriptions: { [replacement]: { timeline_limit: 1 } } });
      assert.deepEqual(Object.keys(s2.rooms), [replacement]);
      assertError(await sss(alice, { room_subscriptions: { [replacement]: { timeline_limit: 1, include_old_rooms: [] } } }), 400, 'M_BAD_JSON');
    });
  });

  describe('required_state', () => {
    let roomId: string;
    before(async () => {
      roomId = await createRoom(alice, { name: 'state', topic: 'a topic', invite: [bob.userId] });
      await ok('POST', `${v3}/rooms/${enc(roomId)}/join`, { token: bob.token, body: {} });
      await send(bob, roomId, 'from bob');
    });

    it('`*` sends all state, $ME only the requester, $LAZY the senders of the timeline', async () => {
      const pick = async (required_state: unknown, timeline_limit = 1) =>
        (await sssOk(alice, { room_subscriptions: { [roomId]: { timeline_limit, required_state } } })).rooms[roomId];
      const all = await pick([['*', '*']]);
      const types = new Set(all.required_state.map((e: any) => e.type));
      for (const t of ['m.room.create', 'm.room.name', 'm.room.topic', 'm.room.power_levels', 'm.room.member']) assert.ok(types.has(t), t);
      const me = await pick([['m.room.member', '$ME']]);
      assert.deepEqual(me.required_state.map((e: any) => e.state_key), [alice.userId]);
      const lazy = await pick([['m.room.topic', ''], ['m.room.member', '$LAZY']]);
      assert.deepEqual(lazy.required_state.map((e: any) => `${e.type}|${e.state_key}`).sort(), ['m.room.member|' + bob.userId, 'm.room.topic|'].sort());
      // Wildcard state with lazy members: every non-member state event, members only of senders.
      const both = await pick([['*', '*'], ['m.room.member', '$LAZY']]);
      const members = both.required_state.filter((e: any) => e.type === 'm.room.member').map((e: any) => e.state_key);
      assert.deepEqual(members, [bob.userId]);
      assert.ok(both.required_state.some((e: any) => e.type === 'm.room.power_levels'));
      // Unknown types select nothing; the room still comes with its timeline.
      const none = await pick([['org.example.nothing', '']]);
      assert.deepEqual(none.required_state, []);
      assert.deepEqual(bodies(none), ['from bob']);
    });

    it('later requests send the state that changed, and lazy members not sent yet', async () => {
      const cfg = { timeline_limit: 1, required_state: [['m.room.topic', ''], ['m.room.member', '$LAZY']] };
      const r = await sssOk(alice, { conn_id: 'st', room_subscriptions: { [roomId]: cfg } });
      await ok('PUT', `${v3}/rooms/${enc(roomId)}/state/m.room.topic/`, { token: alice.token, body: { topic: 'new topic' } });
      await send(bob, roomId, 'bob again');
      await send(alice, roomId, 'alice speaks');
      const r2 = await sssOk(alice, { conn_id: 'st' }, `pos=${enc(r.pos)}`);
      const state = r2.rooms[roomId].required_state.map((e: any) => `${e.type}|${e.state_key}`).sort();
      assert.deepEqual(bodies(r2.rooms[roomId]), ['alice speaks']);
      assert.equal(r2.rooms[roomId].limited, true);
      // bob's member event was sent before (he sent the one event of the first timeline); alice's is new to the client as a sender.
      assert.deepEqual(state, ['m.room.member|' + alice.userId, 'm.room.topic|'].sort());
      assert.equal(r2.rooms[roomId].required_state.find((e: any) => e.type === 'm.room.topic').content.topic, 'new topic');
      // The name did not change, so it is not sent again; the heroes are only for rooms without a name.
      assert.equal(r2.rooms[roomId].name, undefined);
      assert.equal(r2.rooms[roomId].heroes, undefined);
    });

    it('a room without a name gets heroes with their display names', async () => {
      const plain = await createRoom(alice, { invite: [bob.userId] });
      const r = await sssOk(alice, { room_subscriptions: { [plain]: { timeline_limit: 1 } } });
      assert.equal(r.rooms[plain].name, undefined);
      assert.deepEqual(r.rooms[plain].heroes.map((h: any) => h.user_id), [bob.userId]);
      assert.equal(r.rooms[plain].invited_count, 1);
    });
  });

  describe('invites, long-poll and extensions', () => {
    it('an invite arrives with its stripped state, ends a long-poll, and the join then sends the room whole', async () => {
      const body = { conn_id: 'inv', lists: { invites: list([[0, 9]], { filters: { is_invite: true } }) } };
      const r = await sssOk(alice, body);
      const started = Date.now();
      const pending = sssOk(alice, body, `pos=${enc(r.pos)}&timeout=10000`);
      await new Promise((res) => setTimeout(res, 200));
      const roomId = await createRoom(bob, { name: 'come in', invite: [alice.userId] });
      const r2 = await pending;
      assert.ok(Date.now() - started < 8000, 'the long-poll ended on the invite');
      const inv = r2.rooms[roomId];
      assert.equal(inv.membership, 'invite');
      assert.equal(inv.initial, true);
      assert.equal(inv.name, 'come in');
      const own = inv.invite_state.find((e: any) => e.type === 'm.room.member' && e.state_key === alice.userId);
      assert.equal(own.content.membership, 'invite');
      assert.equal(own.sender, bob.userId);
      assert.ok(inv.invite_state.some((e: any) => e.type === 'm.room.name'));
      assert.equal(inv.timeline, undefined);
      assert.equal(r2.lists.invites.count, 1);

      await ok('POST', `${v3}/rooms/${enc(roomId)}/join`, { token: alice.token, body: {} });
      const r3 = await sssOk(alice, { conn_id: 'inv', lists: { all: list([[0, 0]]), invites: body.lists.invites } }, `pos=${enc(r2.pos)}`);
      assert.equal(r3.lists.invites.count, 0);
      assert.equal(r3.rooms[roomId].membership, 'join');
      assert.equal(r3.rooms[roomId].initial, true);
      assert.equal(r3.rooms[roomId].joined_count, 2);
    });

    it('a long-poll waits for a new message in a room in range, and times out empty otherwise', async () => {
      const roomId = await createRoom(alice, { name: 'poll' });
      const body = { conn_id: 'poll', lists: { all: list([[0, 0]]) } };
      const r = await sssOk(alice, body);
      let t = Date.now();
      const idle = await sssOk(alice, body, `pos=${enc(r.pos)}&timeout=300`);
      assert.ok(Date.now() - t >= 250, 'held open until the timeout');
      assert.deepEqual(idle.rooms, {});
      t = Date.now();
      const pending = sssOk(alice, body, `pos=${enc(idle.pos)}&timeout=10000`);
      await new Promise((res) => setTimeout(res, 200));
      await send(alice, roomId, 'wake up');
      const woke = await pending;
      assert.ok(Date.now() - t < 8000);
      assert.deepEqual(bodies(woke.rooms[roomId]), ['wake up']);
    });

    it('account_data: global and per-room, the room part scoped to the rooms sent', async () => {
      const roomId = await createRoom(alice, { name: 'ad' });
      await ok('PUT', `${v3}/user/${enc(alice.userId)}/rooms/${enc(roomId)}/account_data/org.example.room`, { token: alice.token, body: { n: 1 } });
      const ext = { account_data: { enabled: true } };
      const r = await sssOk(alice, { conn_id: 'ad', lists: { all: list([[0, 0]]) }, extensions: ext });
      assert.ok(r.extensions.account_data.global.some((e: any) => e.type === 'm.push_rules'));
      assert.deepEqual(r.extensions.account_data.rooms[roomId], [{ type: 'org.example.room', content: { n: 1 } }]);
      await ok('PUT', `${v3}/user/${enc(alice.userId)}/account_data/org.example.global`, { token: alice.token, body: { g: true } });
      // The extension stays on without being sent again; the long-poll ends on the change.
      const r2 = await sssOk(alice, { conn_id: 'ad', lists: { all: list([[0, 0]]) } }, `pos=${enc(r.pos)}&timeout=5000`);
      assert.deepEqual(r2.extensions.account_data.global, [{ type: 'org.example.global', content: { g: true } }]);
      assert.deepEqual(r2.extensions.account_data.rooms, {});
      // Scoped to a list that does not hold the room: its data is not sent.
      await ok('PUT', `${v3}/user/${enc(alice.userId)}/rooms/${enc(roomId)}/account_data/org.example.room`, { token: alice.token, body: { n: 2 } });
      const r3 = await sssOk(alice, { conn_id: 'ad', lists: { all: list([[0, 0]]) }, extensions: { account_data: { enabled: true, lists: ['other'], rooms: [] } } }, `pos=${enc(r2.pos)}`);
      assert.deepEqual(r3.extensions.account_data.rooms, {});
    });

    it('typing and receipts of the rooms in range', async () => {
      const roomId = await createRoom(alice, { name: 'eph', invite: [bob.userId] });
      await ok('POST', `${v3}/rooms/${enc(roomId)}/join`, { token: bob.token, body: {} });
      const eventId = await send(alice, roomId, 'read this');
      const body = { conn_id: 'eph', lists: { all: list([[0, 0]]) }, extensions: { typing: { enabled: true }, receipts: { enabled: true } } };
      const r = await sssOk(alice, body);
      assert.deepEqual(r.extensions.typing.rooms, {});
      const pending = sssOk(alice, body, `pos=${enc(r.pos)}&timeout=10000`);
      await new Promise((res) => setTimeout(res, 100));
      await ok('PUT', `${v3}/rooms/${enc(roomId)}/typing/${enc(bob.userId)}`, { token: bob.token, body: { typing: true, timeout: 10000 } });
      const r2 = await pending;
      assert.deepEqual(r2.extensions.typing.rooms[roomId], { type: 'm.typing', content: { user_ids: [bob.userId] } });
      await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`, { token: bob.token, body: {} });
      const r3 = await sssOk(alice, body, `pos=${enc(r2.pos)}&timeout=5000`);
      const receipt = r3.extensions.receipts.rooms[roomId];
      assert.equal(receipt.type, 'm.receipt');
      assert.ok(receipt.content[eventId]['m.read'][bob.userId].ts > 0);
      assert.equal(r3.extensions.typing.rooms[roomId], undefined);
    });

    it('to_device: messages until acknowledged by `since`, with a limit; e2ee: key counts and device list changes', async () => {
      const ext = { to_device: { enabled: true, limit: 2 }, e2ee: { enabled: true } };
      const r = await sssOk(bob, { conn_id: 'td', extensions: ext });
      assert.deepEqual(r.extensions.to_device.events, []);
      assert.deepEqual(r.extensions.e2ee.device_one_time_keys_count, { signed_curve25519: 0 });
      assert.deepEqual(r.extensions.e2ee.device_unused_fallback_key_types, []);
      for (const n of [1, 2, 3]) {
        await ok('PUT', `${v3}/sendToDevice/m.test/td${n}`, { token: alice.token, body: { messages: { [bob.userId]: { [bob.deviceId]: { n } } } } });
      }
      const r2 = await sssOk(bob, { conn_id: 'td', extensions: { to_device: { enabled: true, limit: 2, since: r.extensions.to_device.next_batch } } }, `pos=${enc(r.pos)}&timeout=5000`);
      assert.deepEqual(r2.extensions.to_device.events.map((e: any) => e.content.n), [1, 2]);
      assert.equal(r2.extensions.to_device.events[0].sender, alice.userId);
      // Not acknowledged: the same messages again.
      const again = await sssOk(bob, { conn_id: 'td', extensions: { to_device: { enabled: true, limit: 2, since: r.extensions.to_device.next_batch } } }, `pos=${enc(r2.pos)}`);
      assert.deepEqual(again.extensions.to_device.events.map((e: any) => e.content.n), [1, 2]);
      const r3 = await sssOk(bob, { conn_id: 'td', extensions: { to_device: { enabled: true, limit: 2, since: again.extensions.to_device.next_batch } } }, `pos=${enc(again.pos)}`);
      assert.deepEqual(r3.extensions.to_device.events.map((e: any) => e.content.n), [3]);
      const r4 = await sssOk(bob, { conn_id: 'td', extensions: { to_device: { enabled: true, since: r3.extensions.to_device.next_batch } } }, `pos=${enc(r3.pos)}`);
      assert.deepEqual(r4.extensions.to_device.events, []);

      // One-time keys uploaded show in the count; alice's new device shows in device_lists.changed (they share rooms).
      await ok('POST', `${v3}/keys/upload`, { token: bob.token, body: { one_time_keys: { 'signed_curve25519:AAAA': { key: 'k', signatures: {} } } } });
      const alice2 = await user('alice');
      await ok('POST', `${v3}/keys/upload`, { token: alice2.token, body: { device_keys: {
        user_id: alice.userId, device_id: alice2.deviceId, algorithms: ['m.olm.v1.curve25519-aes-sha2'],
        keys: { [`curve25519:${alice2.deviceId}`]: 'c', [`ed25519:${alice2.deviceId}`]: 'e' }, signatures: {},
      } } });
      const r5 = await sssOk(bob, { conn_id: 'td' }, `pos=${enc(r4.pos)}&timeout=5000`);
      assert.ok(r5.extensions.e2ee.device_lists.changed.includes(alice.userId), JSON.stringify(r5.extensions.e2ee));
      assert.equal(r5.extensions.e2ee.device_one_time_keys_count.signed_curve25519, 1);
    });
  });
});
