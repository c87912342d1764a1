// Typing, read receipts and presence between two matrix-js-sdk clients, and what /sync shows of
// them to others (private receipts only to their owner).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { loginAndSync, sdk, until, type Session } from './clients/matrix-sdk.js';
import { assertError, enc, matrixFetch, v3 } from './matrix-fetch.js';

let server: TestServer;
let alice: Session;
let bob: Session;
let roomId: string;
const { call, ok } = matrixFetch(() => server.matrixUrl);

describe('Matrix typing, receipts and presence', () => {
  before(async () => {
    server = await startTestServer();
    await server.addUser('alice');
    await server.addUser('bob');
    await server.addUser('carol');
    alice = await loginAndSync(server.matrixUrl, 'alice');
    bob = await loginAndSync(server.matrixUrl, 'bob');
    roomId = (await alice.client.createRoom({ invite: [bob.userId], name: 'den' })).room_id;
    await until('bob sees the invite', () => bob.client.getRoom(roomId) !== null, 15000);
    await bob.client.joinRoom(roomId);
    await until('alice sees bob join', () => alice.client.getRoom(roomId)?.getMember(bob.userId)?.membership === 'join', 15000);
  });
  after(async () => {
    alice?.client.stopClient();
    bob?.client.stopClient();
    await server?.destroy();
  });

  it('each sees the other type, and stop typing', async () => {
    const typing = () => alice.client.getRoom(roomId)?.getMember(bob.userId)?.typing === true;
    await bob.client.sendTyping(roomId, true, 20000);
    await until('alice sees bob typing', typing, 15000);
    await bob.client.sendTyping(roomId, false, 0);
    await until('alice sees bob stop', () => !typing(), 15000);
    await alice.client.sendTyping(roomId, true, 20000);
    await until('bob sees alice typing', () => bob.client.getRoom(roomId)?.getMember(alice.userId)?.typing === true, 15000);
  });

  it('a typing notice ends by itself after its timeout', async () => {
    await bob.client.sendTyping(roomId, true, 300);
    await until('typing ends', () => alice.client.getRoom(roomId)?.getMember(bob.userId)?.typing === false, 15000);
  });

  it('a read receipt reaches the other client', async () => {
    const { event_id } = await alice.client.sendTextMessage(roomId, 'read me');
    await until('bob has the message', () => bob.client.getRoom(roomId)?.findEventById(event_id) !== undefined, 15000);
    await bob.client.sendReadReceipt(bob.client.getRoom(roomId)!.findEventById(event_id)!);
    await until('alice sees bob read it', () => alice.client.getRoom(roomId)!.getUsersReadUpTo(alice.client.getRoom(roomId)!.findEventById(event_id)!).includes(bob.userId), 15000);
  });

  it('matrix-js-sdk shows the server\'s unread and highlight counts, cleared by its read receipt', async () => {
    const room = () => bob.client.getRoom(roomId)!;
    const total = () => room().getUnreadNotificationCount(sdk.NotificationCountType.Total);
    const highlight = () => room().getUnreadNotificationCount(sdk.NotificationCountType.Highlight);
    await alice.client.sendTextMessage(roomId, 'plain');
    const { event_id } = await alice.client.sendMessage(roomId, { msgtype: sdk.MsgType.Text, body: 'bob!', 'm.mentions': { user_ids: [bob.userId] } });
    await until('bob\'s client counts two, one highlighted', () => total() === 2 && highlight() === 1, 15000);
    await until('bob has the mention', () => room().findEventById(event_id) !== undefined, 15000);
    await bob.client.sendReadReceipt(room().findEventById(event_id)!);
    await until('the counts are cleared', () => total() === 0 && highlight() === 0, 15000);
  });

  it('m.read.private is shown to its owner only; threaded receipts carry thread_id', async () => {
    const { event_id } = await alice.client.sendTextMessage(roomId, 'secretly read');
    const aliceSince = (await ok('GET', `${v3}/sync?timeout=0`, { token: alice.accessToken })).next_batch;
    const bobSince = (await ok('GET', `${v3}/sync?timeout=0`, { token: bob.accessToken })).next_batch;
    await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read.private/${enc(event_id)}`, { token: bob.accessToken, body: {} });
    await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(event_id)}`, { token: bob.accessToken, body: { thread_id: 'main' } });
    const receiptsIn = (s: Record<string, any>) => (s.rooms.join[roomId]?.ephemeral.events ?? []).filter((e: any) => e.type === 'm.receipt');
    const forBob = receiptsIn(await ok('GET', `${v3}/sync?since=${bobSince}&timeout=0`, { token: bob.accessToken }));
    assert.deepEqual(Object.keys(forBob[0].content[event_id]).sort(), ['m.read', 'm.read.private']);
    assert.equal(forBob[0].content[event_id]['m.read'][bob.userId].thread_id, 'main');
    const forAlice = receiptsIn(await ok('GET', `${v3}/sync?since=${aliceSince}&timeout=0`, { token: alice.accessToken }));
    assert.deepEqual(Object.keys(forAlice[0].content[event_id]), ['m.read']);
    const noReceipts = enc(JSON.stringify({ room: { ephemeral: { not_types: ['m.receipt'] } } }));
    const filtered = await ok('GET', `${v3}/sync?since=${aliceSince}&timeout=0&filter=${noReceipts}`, { token: alice.accessToken });
    assert.deepEqual(receiptsIn(filtered), []);
  });

  it('read markers set m.fully_read room account data and a receipt', async () => {
    const { event_id } = await alice.client.sendTextMessage(roomId, 'marker');
    await ok('POST', `${v3}/rooms/${enc(roomId)}/read_markers`, { token: bob.accessToken, body: { 'm.fully_read': event_id, 'm.read': event_id } });
    const data = await ok('GET', `${v3}/user/${enc(bob.userId)}/rooms/${enc(roomId)}/account_data/m.fully_read`, { token: bob.accessToken });
    assert.deepEqual(data, { event_id });
    await until('alice sees the receipt', () => alice.client.getRoom(roomId)!.getEventReadUpTo(bob.userId) === event_id, 15000);
  });

  it('presence: set, read by a room-mate, delivered through sync; strangers are refused', async () => {
    await ok('PUT', `${v3}/presence/${enc(bob.userId)}/status`, { token: bob.accessToken, body: { presence: 'unavailable', status_msg: 'lunch' } });
    const seen = await ok('GET', `${v3}/presence/${enc(bob.userId)}/status`, { token: alice.accessToken });
    assert.equal(seen.presence, 'unavailable');
    assert.equal(seen.status_msg, 'lunch');
    assert.equal(typeof seen.last_active_ago, 'number');
    await until('alice\'s client has bob\'s presence', () => alice.client.getUser(bob.userId)?.presenceStatusMsg === 'lunch', 15000);
    const carol = (await ok('POST', `${v3}/login`, { body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'carol' }, password: 'secret-pw' } })).access_token;
    assertError(await call('GET', `${v3}/presence/${enc(bob.userId)}/status`, { token: carol }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v3}/presence/${enc('@nobody:localhost')}/status`, { token: carol }), 404, 'M_NOT_FOUND');
  });

  it('bad input gets the spec\'s errors', async () => {
    const t = bob.accessToken;
    const room = enc(roomId);
    assertError(await call('PUT', `${v3}/rooms/${room}/typing/${enc(alice.userId)}`, { token: t, body: { typing: true } }), 403, 'M_FORBIDDEN');
    assertError(await call('PUT', `${v3}/rooms/${room}/typing/${enc(bob.userId)}`, { token: t, body: { typing: 'yes' } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${v3}/rooms/${room}/typing/${enc(bob.userId)}`, { token: t, body: {} }), 400, 'M_MISSING_PARAM');
    assertError(await call('PUT', `${v3}/rooms/${room}/typing/${enc(bob.userId)}`, { token: t, body: { typing: true, timeout: -1 } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${v3}/rooms/${enc('!nope:localhost')}/typing/${enc(bob.userId)}`, { token: t, body: { typing: true } }), 404, 'M_NOT_FOUND');
    assertError(await call('POST', `${v3}/rooms/${room}/receipt/m.bogus/${enc('$x')}`, { token: t, body: {} }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${v3}/rooms/${room}/receipt/m.read/${enc('$nope')}`, { token: t, body: {} }), 404, 'M_NOT_FOUND');
    assertError(await call('POST', `${v3}/rooms/${room}/receipt/m.read/${enc('$nope')}`, { token: t, body: { thread_id: 5 } }), 400, 'M_BAD_JSON');
    assertError(await call('POST', `${v3}/rooms/${room}/read_markers`, { token: t, body: { 'm.fully_read': 7 } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${v3}/presence/${enc(bob.userId)}/status`, { token: t, body: { presence: 'asleep' } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${v3}/presence/${enc(alice.userId)}/status`, { token: t, body: { presence: 'online' } }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v3}/sync?set_presence=dancing`, { token: t }), 400, 'M_INVALID_PARAM');
    assert.equal((await call('GET', `${v3}/account/whoami`, { token: t })).status, 200);
  });

  it('leaving the room ends typing there', async () => {
    const typing = () => alice.client.getRoom(roomId)?.getMember(bob.userId)?.typing === true;
    await bob.client.sendTyping(roomId, true, 60000);
    await until('alice sees bob typing', typing, 15000);
    await bob.client.leave(roomId);
    await until('bob no longer types', () => !typing(), 15000);
    const initial = await ok('GET', `${v3}/sync?timeout=0`, { token: alice.accessToken });
    const typers = (initial.rooms.join[roomId].ephemeral.events as any[]).filter((e) => e.type === 'm.typing').flatMap((e) => e.content.user_ids);
    assert.ok(!typers.includes(bob.userId), JSON.stringify(typers));
    assertError(await call('PUT', `${v3}/rooms/${enc(roomId)}/typing/${enc(bob.userId)}`, { token: bob.accessToken, body: { typing: true } }), 403, 'M_FORBIDDEN');
  });
});

describe('Matrix presence switched off', () => {
  let off: TestServer;
  before(async () => {
    off = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', presence: false } } });
    await off.addUser('dave');
  });
  after(async () => { await off?.destroy(); });

  it('accepts updates, reports offline and sends no presence in sync', async () => {
    const f = matrixFetch(() => off.matrixUrl);
    const token = (await f.login('dave')).json.access_token;
    await f.ok('PUT', `${v3}/presence/${enc('@dave:localhost')}/status`, { token, body: { presence: 'online' } });
    assert.equal((await f.ok('GET', `${v3}/presence/${enc('@dave:localhost')}/status`, { token })).presence, 'offline');
    const s = await f.ok('GET', `${v3}/sync?timeout=0`, { token });
    assert.deepEqual(s.presence.events, []);
  });
});

