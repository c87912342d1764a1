// Element X's sync, replayed with raw requests: the request shapes matrix-rust-sdk sends, in its
// order, and what its response processing needs from each answer. Element X cannot run here, so
// the shapes come from its source (matrix-rust-sdk crates/matrix-sdk-ui/src/room_list_service/,
// encryption_sync_service.rs, notification_client.rs; crates/matrix-sdk/src/sliding_sync/; ruma's
// sync_events/v5.rs for the wire names). docs/sliding-sync.md lists them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, enc, matrixFetch, v3, type Reply } from './matrix-fetch.js';

const SSS = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';

// room_list_service/mod.rs DEFAULT_REQUIRED_STATE, in ruma's event type names.
const LIST_STATE = [
  ['m.room.name', ''], ['m.room.encryption', ''], ['m.room.member', '$LAZY'], ['m.room.member', '$ME'],
  ['m.room.topic', ''], ['m.room.avatar', ''], ['m.room.canonical_alias', ''], ['m.room.power_levels', ''],
  ['org.matrix.msc3401.call.member', '*'], ['m.room.join_rules', ''], ['m.room.tombstone', ''], ['m.room.create', ''],
  ['m.room.history_visibility', ''], ['io.element.functional_members', ''], ['m.space.parent', '*'], ['m.space.child', '*'],
  ['org.matrix.msc3672.beacon_info', '*'],
];
// RoomListService::subscribe_to_rooms: the list's state plus pinned events, 20 timeline events.
const SUBSCRIPTION = { required_state: [...LIST_STATE, ['m.room.pinned_events', '']], timeline_limit: 20 };
// The room list's extensions (RoomListService::new_with).
const LIST_EXTENSIONS = { account_data: { enabled: true }, receipts: { enabled: true, rooms: ['*'] }, typing: { enabled: true } };
// notification_client.rs try_sliding_sync.
const NOTIFICATION_STATE = [
  ['m.room.encryption', ''], ['m.room.member', '$LAZY'], ['m.room.member', '$ME'], ['m.room.canonical_alias', ''],
  ['m.room.name', ''], ['m.room.avatar', ''], ['m.room.power_levels', ''], ['m.room.join_rules', ''],
  ['org.matrix.msc3401.call.member', '*'], ['m.room.create', ''], ['io.element.functional_members', ''],
];

/** The `all_rooms` list: Selective [0,19] at first, then Growing by batches of 100 (state.rs). */
const allRooms = (end: number) => ({ ranges: [[0, end]], timeline_limit: 1, required_state: LIST_STATE, filters: {} });

let server: TestServer;
const { call, login, ok } = matrixFetch(() => server.matrixUrl);
interface User { token: string; userId: string; deviceId: string }
let alice: User;
let bob: User;
let carol: User;

async function user(name: string): Promise<User> {
  const r = (await login(name)).json;
  return { token: r.access_token, userId: r.user_id, deviceId: r.device_id };
}

/** pos and timeout go in the query string, as ruma sends them; the rest in the body. */
function sss(u: User, body: unknown, pos: string | null, timeout: number, signal?: AbortSignal): Promise<Reply> {
  const q = new URLSearchParams();
  if (pos !== null) q.set('pos', pos);
  q.set('timeout', String(timeout));
  return fetch(`${server.matrixUrl}${SSS}?${q}`, {
    method: 'POST', signal, headers: { Authorization: `Bearer ${u.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, json: await res.json(), headers: res.headers }));
}

async function sssOk(u: User, body: unknown, pos: string | null, timeout: number): Promise<Record<string, any>> {
  const r = await sss(u, body, pos, timeout);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(typeof r.json.pos, 'string');
  return r.json;
}

let txn = 0;
async function send(u: User, roomId: string, body: string): Promise<string> {
  return (await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/ex${++txn}`, { token: u.token, body: { msgtype: 'm.text', body } })).event_id;
}
const createRoom = async (u: User, body: Record<string, unknown>) => (await ok('POST', `${v3}/createRoom`, { token: u.token, body })).room_id as string;
const join = (u: User, roomId: string) => ok('POST', `${v3}/rooms/${enc(roomId)}/join`, { token: u.token, body: {} });
const stateOf = (room: any, type: string, key = '') => (room.required_state ?? []).find((e: any) => e.type === type && e.state_key === key);
const bodies = (room: any) => (room.timeline ?? []).filter((e: any) => e.type === 'm.room.message').map((e: any) => e.content.body);

describe('Element X (matrix-rust-sdk) sliding sync, replayed', () => {
  let named: string;
  let dm: string;
  let encrypted: string;
  let invite: string;
  let lastInNamed: string;
  const fillers: string[] = [];
  before(async () => {
    server = await startTestServer();
    for (const n of ['alice', 'bob', 'carol']) await server.addUser(n);
    [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
    await ok('PUT', `${v3}/profile/${enc(bob.userId)}/displayname`, { token: bob.token, body: { displayname: 'Bob B' } });
    // 18 older rooms, so that the first window of 20 does not hold them all.
    for (let i = 0; i < 18; i++) fillers.push(await createRoom(alice, { name: `filler ${i}` }));
    dm = await createRoom(bob, { is_direct: true, invite: [alice.userId], preset: 'trusted_private_chat' });
    await join(alice, dm);
    await ok('PUT', `${v3}/user/${enc(alice.userId)}/account_data/m.direct`, { token: alice.token, body: { [bob.userId]: [dm] } });
    await send(bob, dm, 'hi in private');
    encrypted = await createRoom(alice, { name: 'Secret', initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }] });
    named = await createRoom(alice, { name: 'Named', topic: 'about things', invite: [bob.userId] });
    await join(bob, named);
    await send(bob, named, 'first');
    lastInNamed = await send(bob, named, 'second');
    invite = await createRoom(carol, { name: 'Come along', invite: [alice.userId] });
  });
  after(async () => { await server?.destroy(); });

  it('discovery and login: well-known, /versions with the MSC4186 flag, password login', async () => {
    const wk = await ok('GET', '/.well-known/matrix/client');
    assert.equal(wk['m.homeserver'].base_url, server.matrixUrl);
    const versions = await ok('GET', '/_matrix/client/versions');
    // VersionBuilder::DiscoverNative refuses the server without this flag set to true.
    assert.equal(versions.unstable_features['org.matrix.simplified_msc3575'], true);
    // Without OAuth metadata (an unknown endpoint is 404 M_UNRECOGNIZED) the app offers password login.
    const meta = await call('GET', '/_matrix/client/v1/auth_metadata');
    if (meta.status === 404) assert.equal(meta.json.errcode, 'M_UNRECOGNIZED');
    else assert.equal(typeof (await ok('GET', '/_matrix/client/v1/auth_metadata')).issuer, 'string');
    const flows = await ok('GET', `${v3}/login`);
    assert.ok(flows.flows.some((f: any) => f.type === 'm.login.password'));
  });

  it('the room list: first 20 rooms, then the growing list, then the long-poll; a room opened, read and typed in', async () => {
    // State::Init: Selective [0,19], no long-poll.
    const first = await sssOk(alice, { conn_id: 'room-list', lists: { all_rooms: allRooms(19) }, extensions: LIST_EXTENSIONS }, null, 0);
    assert.equal(first.lists.all_rooms.count, 22);
    const ids = Object.keys(first.rooms);
    assert.equal(ids.length, 20);
    // The newest 20: the two oldest rooms wait for the next window.
    assert.deepEqual(new Set(ids), new Set([named, dm, encrypted, invite, ...fillers.slice(2)]));
    // The client sorts by bump_stamp (recency): the last message was in `named`, the invite came after it.
    const byStamp = ids.sort((a, b) => first.rooms[b].bump_stamp - first.rooms[a].bump_stamp);
    assert.deepEqual(byStamp.slice(0, 4), [invite, named, encrypted, dm]);
    for (const id of [named, dm, encrypted]) {
      const r = first.rooms[id];
      assert.equal(r.initial, true);
      // The SDK takes the user's membership from their own member event in required_state ($ME).
      assert.equal(stateOf(r, 'm.room.member', alice.userId).content.membership, 'join', id);
      assert.ok(stateOf(r, 'm.room.create'), 'create event (room version, predecessor)');
      // A room response without counts sets them to 0 in the SDK: every joined room carries them.
      assert.equal(typeof r.notification_count, 'number');
      assert.equal(typeof r.highlight_count, 'number');
      assert.equal(r.timeline.length, 1);
      assert.equal(typeof r.prev_batch, 'string');
      assert.ok(Number.isInteger(r.joined_count) && r.joined_count >= 1);
    }
    const n = first.rooms[named];
    // The SDK computes the display name from m.room.name in required_state.
    assert.equal(stateOf(n, 'm.room.name').content.name, 'Named');
    assert.equal(stateOf(n, 'm.room.topic').content.topic, 'about things');
    assert.deepEqual(bodies(n), ['second']);
    // $LAZY: the sender of the timeline event.
    assert.equal(stateOf(n, 'm.room.member', bob.userId).content.membership, 'join');
    assert.equal(n.notification_count, 2);
    // An unnamed DM: named from heroes, with their display names; is_dm from m.direct.
    const d = first.rooms[dm];
    assert.equal(stateOf(d, 'm.room.name'), undefined);
    assert.deepEqual(d.heroes, [{ user_id: bob.userId, displayname: 'Bob B' }]);
    assert.equal(d.is_dm, true);
    assert.equal(stateOf(first.rooms[encrypted], 'm.room.encryption').content.algorithm, 'm.megolm.v1.aes-sha2');
    // The invite: invite_state with the user's own invite (the SDK's marker for an invited room).
    const inv = first.rooms[invite];
    assert.equal(inv.invite_state.find((e: any) => e.type === 'm.room.member' && e.state_key === alice.userId).content.membership, 'invite');
    assert.ok(inv.invite_state.some((e: any) => e.type === 'm.room.name' && e.content.name === 'Come along'));
    // Global account data: m.direct (DM detection) and the push rules.
    const global = first.extensions.account_data.global.map((e: any) => e.type);
    assert.ok(global.includes('m.direct') && global.includes('m.push_rules'), global.join());

    // State::SettingUp -> Running: Growing, [0, min(100, count) - 1], still timeout 0: only the
    // two rooms the first window left out come (MSC4186 "Example usage").
    const grown = await sssOk(alice, { conn_id: 'room-list', lists: { all_rooms: allRooms(21) }, extensions: LIST_EXTENSIONS }, first.pos, 0);
    assert.deepEqual(new Set(Object.keys(grown.rooms)), new Set(fillers.slice(0, 2)));
    assert.ok(Object.values(grown.rooms).every((r: any) => r.initial === true && stateOf(r, 'm.room.name')));
    assert.equal(grown.lists.all_rooms.count, 22);

    // Fully loaded: PollTimeout::Default, 30 s. A message ends it with the room, its event and counts.
    const body = { conn_id: 'room-list', lists: { all_rooms: allRooms(21) }, extensions: LIST_EXTENSIONS };
    const polling = sssOk(alice, body, grown.pos, 30000);
    await new Promise((r) => setTimeout(r, 100));
    // A mention (m.mentions): it notifies and highlights.
    const third = (await ok('PUT', `${v3}/rooms/${enc(named)}/send/m.room.message/ex-mention`, {
      token: bob.token, body: { msgtype: 'm.text', body: 'third', 'm.mentions': { user_ids: [alice.userId] } },
    })).event_id as string;
    const live = await polling;
    const ln = live.rooms[named];
    assert.deepEqual(bodies(ln), ['third']);
    assert.equal(ln.num_live, 1);
    assert.equal(ln.notification_count, 3);
    assert.equal(ln.highlight_count, 1);
    assert.ok(ln.bump_stamp > n.bump_stamp);
    assert.equal(ln.initial, undefined);

    // The user opens `named`: the SDK cancels the long-poll and resends the same pos with a subscription.
    const ctl = new AbortController();
    const cancelled = sss(alice, body, live.pos, 30000, ctl.signal).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    ctl.abort();
    assert.ok((await cancelled) instanceof Error);
    const opened = await sssOk(alice, { ...body, room_subscriptions: { [named]: SUBSCRIPTION } }, live.pos, 0);
    const on = opened.rooms[named];
    // timeline_limit grew from 1 to 20: the history the client never got (expanded_timeline).
    assert.equal(on.expanded_timeline, true);
    assert.deepEqual(bodies(on), ['first', 'second', 'third']);
    assert.equal(on.timeline.at(-1).event_id, third);

    // Read on this device: the room comes again with its counts at 0, and the receipt.
    const polling2 = sssOk(alice, { ...body, room_subscriptions: { [named]: SUBSCRIPTION } }, opened.pos, 30000);
    await new Promise((r) => setTimeout(r, 100));
    await ok('POST', `${v3}/rooms/${enc(named)}/receipt/m.read/${enc(third)}`, { token: alice.token, body: {} });
    const read = await polling2;
    assert.equal(read.rooms[named].notification_count, 0);
    assert.equal(read.rooms[named].highlight_count, 0);
    assert.ok(read.extensions.receipts.rooms[named].content[third]['m.read'][alice.userId]);

    // Typing in the open room.
    const polling3 = sssOk(alice, { ...body, room_subscriptions: { [named]: SUBSCRIPTION } }, read.pos, 30000);
    await new Promise((r) => setTimeout(r, 100));
    await ok('PUT', `${v3}/rooms/${enc(named)}/typing/${enc(bob.userId)}`, { token: bob.token, body: { typing: true, timeout: 5000 } });
    const typing = await polling3;
    assert.deepEqual(typing.extensions.typing.rooms[named].content.user_ids, [bob.userId]);

    // The room avatar: `avatar` set, then null once removed (the SDK clears it on null).
    await ok('PUT', `${v3}/rooms/${enc(named)}/state/m.room.avatar/`, { token: alice.token, body: { url: 'mxc://localhost/group' } });
    const withAvatar = await sssOk(alice, body, typing.pos, 30000);
    assert.equal(withAvatar.rooms[named].avatar, 'mxc://localhost/group');
    await ok('PUT', `${v3}/rooms/${enc(named)}/state/m.room.avatar/`, { token: alice.token, body: {} });
    const noAvatar = await sssOk(alice, body, withAvatar.pos, 30000);
    assert.equal(noAvatar.rooms[named].avatar, null);

    // Leaving: the room comes once more, with the user's own leave in required_state ($ME).
    await ok('POST', `${v3}/rooms/${enc(encrypted)}/leave`, { token: alice.token, body: {} });
    const left = await sssOk(alice, body, noAvatar.pos, 30000);
    assert.equal(stateOf(left.rooms[encrypted], 'm.room.member', alice.userId).content.membership, 'leave');

    // A knock: it comes as invite_state holding the user's own knock (how the SDK tells a knock).
    const knockable = await createRoom(carol, { name: 'Knock here', initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }] });
    await ok('POST', `${v3}/knock/${enc(knockable)}`, { token: alice.token, body: {} });
    const knocked = await sssOk(alice, body, left.pos, 30000);
    const k = knocked.rooms[knockable];
    assert.equal(k.invite_state.find((e: any) => e.type === 'm.room.member' && e.state_key === alice.userId).content.membership, 'knock');
    assert.equal(knocked.lists.all_rooms.count, 23);

    // M_UNKNOWN_POS: the SDK forgets pos and subscriptions and starts again from [0,19]: every room again, whole.
    assertError(await sss(alice, body, `${knocked.pos}x`, 0), 400, 'M_UNKNOWN_POS');
    const again = await sssOk(alice, { conn_id: 'room-list', lists: { all_rooms: allRooms(19) }, extensions: LIST_EXTENSIONS }, null, 0);
    assert.equal(Object.keys(again.rooms).length, 20);
    assert.ok(Object.values(again.rooms).every((r: any) => r.initial === true));
    assert.equal(again.rooms[named].notification_count, 0);
  });

  it('the encryption sync: to-device messages until acknowledged by `since`, key counts and device list changes', async () => {
    const ext = (since?: string) => ({ conn_id: 'encryption', extensions: { to_device: { enabled: true, ...(since ? { since } : {}) }, e2ee: { enabled: true } } });
    const first = await sssOk(alice, ext(), null, 30000);
    assert.equal(typeof first.extensions.to_device.next_batch, 'string');
    assert.equal(typeof first.extensions.e2ee.device_one_time_keys_count, 'object');
    // Present (even empty) means the server supports fallback keys.
    assert.ok(Array.isArray(first.extensions.e2ee.device_unused_fallback_key_types));
    const polling = sssOk(alice, ext(first.extensions.to_device.next_batch), first.pos, 30000);
    await new Promise((r) => setTimeout(r, 100));
    await ok('PUT', `${v3}/sendToDevice/m.room_key_request/ex1`, { token: bob.token, body: { messages: { [alice.userId]: { [alice.deviceId]: { action: 'request_cancellation', request_id: 'r1', requesting_device_id: bob.deviceId } } } } });
    const got = await polling;
    assert.deepEqual(got.extensions.to_device.events.map((e: any) => [e.type, e.sender]), [['m.room_key_request', bob.userId]]);
    // Bob's new device keys: alice shares rooms with him, so he shows in device_lists.changed.
    const polling2 = sssOk(alice, ext(got.extensions.to_device.next_batch), got.pos, 30000);
    await new Promise((r) => setTimeout(r, 100));
    await ok('POST', `${v3}/keys/upload`, { token: bob.token, body: { device_keys: {
      user_id: bob.userId, device_id: bob.deviceId, algorithms: ['m.olm.v1.curve25519-aes-sha2'],
      keys: { [`curve25519:${bob.deviceId}`]: 'c', [`ed25519:${bob.deviceId}`]: 'e' }, signatures: {},
    } } });
    const keys = await polling2;
    assert.ok(keys.extensions.e2ee.device_lists.changed.includes(bob.userId));
    assert.deepEqual(keys.extensions.to_device.events, []);
  });

  it('the notification client: a fresh connection finds the event to notify about, and invites', async () => {
    const eventId = await send(bob, named, 'notify me');
    const r = await sssOk(alice, {
      conn_id: 'notifications',
      lists: { invites: { ranges: [[0, 16]], timeline_limit: 8, required_state: NOTIFICATION_STATE, filters: { is_invite: true } } },
      room_subscriptions: { [named]: { required_state: NOTIFICATION_STATE, timeline_limit: 16 } },
      extensions: { account_data: { enabled: true } },
    }, null, 1000);
    assert.ok(r.rooms[named].timeline.some((e: any) => e.event_id === eventId));
    assert.equal(stateOf(r.rooms[named], 'm.room.member', bob.userId).content.membership, 'join');
    assert.equal(r.lists.invites.count, 1);
    assert.ok(r.rooms[invite].invite_state.some((e: any) => e.type === 'm.room.member' && e.state_key === alice.userId));
    assert.equal(lastInNamed.startsWith('$'), true);
  });

  it('after a server restart the app resumes its connections with the pos it holds: no M_UNKNOWN_POS, nothing sent twice', async () => {
    const body = { conn_id: 'room-list', lists: { all_rooms: allRooms(19) }, extensions: LIST_EXTENSIONS };
    const list = await sssOk(alice, body, null, 0);
    const enc1 = await sssOk(alice, { conn_id: 'encryption', extensions: { to_device: { enabled: true }, e2ee: { enabled: true } } }, null, 0);
    server = await server.restart();
    // What happened since the restart comes with the first request.
    await send(bob, named, 'while the app was away');
    const resumed = await sssOk(alice, body, list.pos, 0);
    assert.deepEqual(Object.keys(resumed.rooms), [named]);
    assert.deepEqual(bodies(resumed.rooms[named]), ['while the app was away']);
    assert.equal(resumed.lists.all_rooms.count, list.lists.all_rooms.count);
    const polling = sssOk(alice, body, resumed.pos, 30000);
    await new Promise((r) => setTimeout(r, 100));
    await send(bob, named, 'after the restart');
    const live = await polling;
    assert.deepEqual(Object.keys(live.rooms), [named]);
    assert.deepEqual(bodies(live.rooms[named]), ['after the restart']);
    assert.equal(live.rooms[named].initial, undefined);
    const encAgain = await sssOk(alice, { conn_id: 'encryption', extensions: { to_device: { enabled: true, since: enc1.extensions.to_device.next_batch }, e2ee: { enabled: true } } }, enc1.pos, 0);
    assert.deepEqual(encAgain.extensions.to_device.events, []);
  });
});
