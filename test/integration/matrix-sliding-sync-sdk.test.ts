// matrix-js-sdk's own sliding sync client (SlidingSync with SlidingSyncSdk, the way Element Web's
// sliding sync mode sets it up) against Hearth's MSC4186 endpoint: the user's rooms arrive named
// and in activity order, new messages arrive live, an invite arrives, and in an encrypted room
// the Rust crypto gets its keys and room keys through the e2ee and to_device extensions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as RustCrypto from '@matrix-org/matrix-sdk-crypto-wasm';
import { MSC3575_STATE_KEY_LAZY, MSC3575_STATE_KEY_ME, MSC3575_WILDCARD, SlidingSync, type MSC3575List } from 'matrix-js-sdk/lib/sliding-sync.js';
import { loginAndSync, quiet, sdk, until, type Session } from './clients/matrix-sdk.js';
import { startTestServer, type TestServer } from './harness.js';
import { enc, matrixFetch, v3 } from './matrix-fetch.js';

const WAIT = 20000;
let server: TestServer;
const { login, ok } = matrixFetch(() => server.matrixUrl);

// Element Web's room list: the state its list tiles need, one timeline event per room.
const ROOM_LIST: MSC3575List = {
  ranges: [[0, 20]],
  timeline_limit: 1,
  required_state: [
    ['m.room.join_rules', ''], ['m.room.avatar', ''], ['m.room.canonical_alias', ''], ['m.room.tombstone', ''],
    ['m.room.encryption', ''], ['m.room.create', ''], ['m.space.child', MSC3575_WILDCARD], ['m.room.member', MSC3575_STATE_KEY_ME],
  ],
  filters: { not_room_types: ['m.space'] },
};
// Element Web's subscription for the room on screen: all state, members lazily.
const ROOM_SUBSCRIPTION = {
  timeline_limit: 50,
  required_state: [[MSC3575_WILDCARD, MSC3575_WILDCARD], ['m.room.member', MSC3575_STATE_KEY_ME], ['m.room.member', MSC3575_STATE_KEY_LAZY]],
};

interface SlidingSession { client: sdk.MatrixClient; sliding: SlidingSync; userId: string; live: string[] }

async function startSliding(name: string, crypto: boolean): Promise<SlidingSession> {
  const res = (await login(name)).json;
  const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: res.access_token, userId: res.user_id, deviceId: res.device_id, logger: quiet });
  const sliding = new SlidingSync(server.matrixUrl, new Map([['room_list', ROOM_LIST]]), ROOM_SUBSCRIPTION, client, 5000);
  const live: string[] = [];
  client.on(sdk.RoomEvent.Timeline, (ev, _room, toStart) => {
    if (!toStart && ev.getType() === 'm.room.message') live.push(ev.getContent().body);
  });
  const prepared = new Promise<void>((resolve, reject) => {
    client.on(sdk.ClientEvent.Sync, (state) => {
      if (state === sdk.SyncState.Prepared) resolve();
      if (state === sdk.SyncState.Error) reject(new Error('sliding sync failed'));
    });
  });
  if (crypto) {
    await client.initRustCrypto({ useIndexedDB: false });
    new RustCrypto.Tracing(RustCrypto.LoggerLevel.Error).turnOn();
  }
  await client.startClient({ slidingSync: sliding });
  await prepared;
  return { client, sliding, userId: res.user_id, live };
}

/** Room names in the order Element shows them: by bump_stamp, newest first. */
function roomOrder(s: SlidingSession): string[] {
  return s.client.getRooms()
    .filter((r) => r.getMyMembership() === 'join')
    .sort((a, b) => (b.getBumpStamp() ?? 0) - (a.getBumpStamp() ?? 0))
    .map((r) => r.name);
}

describe('matrix-js-sdk SlidingSync against Hearth', () => {
  let alice: SlidingSession;
  let bob: Session;
  const rooms: Record<string, string> = {};
  let txn = 0;

  before(async () => {
    server = await startTestServer();
    await server.addUser('alice');
    await server.addUser('bob');
    bob = await loginAndSync(server.matrixUrl, 'bob', 'secret-pw', {
      beforeStart: async (c) => {
        await c.initRustCrypto({ useIndexedDB: false });
        new RustCrypto.Tracing(RustCrypto.LoggerLevel.Error).turnOn();
      },
    });
    // Alice's rooms before she logs in, with activity in a known order: garden newest.
    const aliceToken = (await login('alice')).json.access_token as string;
    for (const name of ['kitchen', 'attic', 'garden']) {
      rooms[name] = (await ok('POST', `${v3}/createRoom`, { token: aliceToken, body: { name } })).room_id;
    }
    for (const name of ['attic', 'kitchen', 'garden']) {
      await ok('PUT', `${v3}/rooms/${enc(rooms[name])}/send/m.room.message/t${++txn}`, { token: aliceToken, body: { msgtype: 'm.text', body: `hello ${name}` } });
    }
    alice = await startSliding('alice', true);
  });

  after(async () => {
    alice?.client.stopClient();
    bob?.client.stopClient();
    // The Rust crypto retries requests in flight when the server goes; no timer may hold the process now.
    const arm = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms?: number, ...args: unknown[]) => (arm(fn, ms, ...args) as unknown as NodeJS.Timeout).unref()) as typeof setTimeout;
    await server?.destroy();
  });

  it('lists the user\'s rooms, named, newest activity first, with the list count', async () => {
    await until('alice has her three rooms', () => roomOrder(alice).length === 3, WAIT);
    assert.deepEqual(roomOrder(alice), ['garden', 'kitchen', 'attic']);
    assert.equal(alice.sliding.getListData('room_list')?.joinedCount, 3);
    const garden = alice.client.getRoom(rooms.garden)!;
    assert.equal(garden.getLiveTimeline().getEvents().at(-1)?.getContent().body, 'hello garden');
  });

  it('a new message arrives live and moves its room to the top', async () => {
    const aliceToken = (alice.client as unknown as { getAccessToken(): string }).getAccessToken();
    await ok('PUT', `${v3}/rooms/${enc(rooms.attic)}/send/m.room.message/t${++txn}`, { token: aliceToken, body: { msgtype: 'm.text', body: 'from another device' } });
    await until('the message arrives', () => alice.live.includes('from another device'), WAIT);
    await until('attic moves to the top', () => roomOrder(alice)[0] === 'attic', WAIT);
    assert.deepEqual(roomOrder(alice), ['attic', 'garden', 'kitchen']);
  });

  it('an invite arrives, and after joining, the room and its messages', async () => {
    const { room_id: roomId } = await bob.client.createRoom({ name: 'porch', invite: [alice.userId] });
    await until('alice sees the invite', () => alice.client.getRoom(roomId)?.getMyMembership() === 'invite', WAIT);
    assert.equal(alice.client.getRoom(roomId)!.name, 'porch');
    await alice.client.joinRoom(roomId);
    await until('alice is joined', () => alice.client.getRoom(roomId)?.getMyMembership() === 'join', WAIT);
    await bob.client.sendTextMessage(roomId, 'welcome to the porch');
    await until('bob\'s message arrives', () => alice.live.includes('welcome to the porch'), WAIT);
    assert.equal(roomOrder(alice)[0], 'porch');
  });

  it('an encrypted room: alice\'s keys reach bob, bob\'s room key reaches alice by to-device, and she decrypts', async () => {
    const { room_id: roomId } = await bob.client.createRoom({
      name: 'vault', invite: [alice.userId], preset: sdk.Preset.PrivateChat,
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    await until('alice is invited', () => alice.client.getRoom(roomId)?.getMyMembership() === 'invite', WAIT);
    await alice.client.joinRoom(roomId);
    await until('bob sees alice join', () => bob.client.getRoom(roomId)?.getMember(alice.userId)?.membership === 'join', WAIT);
    // Alice's Rust crypto uploaded her device keys after its first sliding sync response (e2ee extension).
    const devices = await bob.client.getCrypto()!.getUserDeviceInfo([alice.userId], true);
    assert.ok(devices.get(alice.userId)?.has(alice.client.getDeviceId()!), 'bob knows alice\'s device');
    await bob.client.sendTextMessage(roomId, 'the combination is 1234');
    let clear: string | undefined;
    await until('alice decrypts bob\'s message', () => {
      const ev = alice.client.getRoom(roomId)?.getLiveTimeline().getEvents().find((e) => e.getWireType() === 'm.room.encrypted');
      if (!ev) return false;
      if (ev.isBeingDecrypted() || ev.getClearContent() === null) void alice.client.decryptEventIfNeeded(ev);
      clear = ev.getClearContent()?.body as string | undefined;
      return clear !== undefined;
    }, WAIT);
    assert.equal(clear, 'the combination is 1234');
    // One-time keys: the count the e2ee extension reports made alice's crypto upload some.
    const counts = (await alice.client.uploadKeysRequest({})).one_time_key_counts;
    assert.ok((counts.signed_curve25519 ?? 0) > 0, JSON.stringify(counts));
  });

  it('read on another device: the room\'s unread count goes back to 0 with no new event', async () => {
    const { room_id: roomId } = await bob.client.createRoom({ name: 'shed', invite: [alice.userId] });
    await until('alice is invited to the shed', () => alice.client.getRoom(roomId)?.getMyMembership() === 'invite', WAIT);
    await alice.client.joinRoom(roomId);
    const { event_id: eventId } = await bob.client.sendTextMessage(roomId, 'unread in the shed');
    const unread = () => alice.client.getRoom(roomId)?.getUnreadNotificationCount(sdk.NotificationCountType.Total);
    await until('the message counts as unread', () => unread() === 1, WAIT);
    const phone = (await login('alice')).json.access_token as string;
    await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`, { token: phone, body: {} });
    await until('the count clears', () => unread() === 0, WAIT);
  });

  it('a list filtered with room_name_like (Element Web\'s room search) counts only the matching rooms', async () => {
    alice.sliding.setList('search', { ...ROOM_LIST, ranges: [[0, 5]], filters: { room_name_like: 'GARD' } });
    await until('the search list answers', () => alice.sliding.getListData('search')?.joinedCount === 1, WAIT);
    alice.sliding.setList('search', { ...ROOM_LIST, ranges: [[0, 5]], filters: { room_name_like: 'a' } });
    // attic, garden and vault; not kitchen, porch or shed.
    await until('the wider search answers', () => alice.sliding.getListData('search')?.joinedCount === 3, WAIT);
  });
});
