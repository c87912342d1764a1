// Thread subscriptions (MSC4306) and their sliding sync extension and companion endpoint
// (MSC4308), under the unstable names Element uses. matrix-js-sdk 37 has no API for them, so raw
// requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, enc, matrixFetch, v3 } from './matrix-fetch.js';

const SUB = '/_matrix/client/unstable/io.element.msc4306/rooms';
const PAGE = '/_matrix/client/unstable/io.element.msc4308/thread_subscriptions';
const SSS = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';
const EXT = 'io.element.msc4308.thread_subscriptions';
let server: TestServer;
const { call, login, ok } = matrixFetch(() => server.matrixUrl);
let alice: string;
let bob: string;
let carol: string;
let roomId: string;
let root: string;
let reply: string;
let outside: string;
let txn = 0;

const path = (room: string, thread: string) => `${SUB}/${enc(room)}/thread/${enc(thread)}/subscription`;
const send = async (token: string, content: Record<string, unknown>): Promise<string> =>
  (await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/t${++txn}`, { token, body: { msgtype: 'm.text', ...content } })).event_id;
const inThread = (thread: string, body: string) => ({ body, 'm.relates_to': { rel_type: 'm.thread', event_id: thread } });

before(async () => {
  server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
  for (const n of ['alice', 'bob', 'carol']) await server.addUser(n);
  [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(async (n) => (await login(n)).json.access_token as string));
  roomId = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { name: 'threads', invite: ['@bob:localhost'] } })).room_id;
  await ok('POST', `${v3}/join/${enc(roomId)}`, { token: bob, body: {} });
  root = await send(alice, { body: 'a thread' });
  reply = await send(bob, inThread(root, 'a reply'));
  outside = await send(bob, { body: 'not in the thread' });
});
after(() => server.destroy());

test('subscribe manually, automatically, unsubscribe; an automatic subscription older than the unsubscription is refused', async () => {
  assertError(await call('GET', path(roomId, root), { token: alice }), 404, 'M_NOT_FOUND');
  assert.deepEqual(await ok('PUT', path(roomId, root), { token: alice, body: {} }), {});
  assert.deepEqual(await ok('GET', path(roomId, root), { token: alice }), { automatic: false });
  // An automatic subscription leaves a manual one manual.
  await ok('PUT', path(roomId, root), { token: alice, body: { automatic: reply } });
  assert.deepEqual(await ok('GET', path(roomId, root), { token: alice }), { automatic: false });
  assert.deepEqual(await ok('DELETE', path(roomId, root), { token: alice }), {});
  assertError(await call('GET', path(roomId, root), { token: alice }), 404, 'M_NOT_FOUND');
  assert.deepEqual(await ok('DELETE', path(roomId, root), { token: alice }), {}, 'idempotent');
  // A dormant device asking for a subscription caused by an event from before the unsubscription.
  assertError(await call('PUT', path(roomId, root), { token: alice, body: { automatic: reply } }), 409, 'IO.ELEMENT.MSC4306.M_CONFLICTING_UNSUBSCRIPTION');
  const mention = await send(bob, inThread(root, 'alice, look'));
  await ok('PUT', path(roomId, root), { token: alice, body: { automatic: mention } });
  assert.deepEqual(await ok('GET', path(roomId, root), { token: alice }), { automatic: true });
  // A manual subscription takes precedence.
  await ok('PUT', path(roomId, root), { token: alice, body: {} });
  assert.deepEqual(await ok('GET', path(roomId, root), { token: alice }), { automatic: false });
  // Subscriptions are per user.
  assertError(await call('GET', path(roomId, root), { token: bob }), 404, 'M_NOT_FOUND');
});

test('bad input: unknown or unreadable threads are 404, a cause outside the thread 400 M_NOT_IN_THREAD, malformed bodies 400', async () => {
  assertError(await call('PUT', path(roomId, root), { token: alice, body: { automatic: outside } }), 400, 'IO.ELEMENT.MSC4306.M_NOT_IN_THREAD');
  assertError(await call('PUT', path(roomId, root), { token: alice, body: { automatic: '$nope' } }), 400, 'IO.ELEMENT.MSC4306.M_NOT_IN_THREAD');
  assertError(await call('PUT', path(roomId, root), { token: alice, body: { automatic: true } }), 400, 'M_BAD_JSON');
  assertError(await call('PUT', path(roomId, root), { token: alice, raw: '{"automatic":' }), 400, 'M_NOT_JSON');
  assertError(await call('PUT', path(roomId, root), { token: alice, body: [] }), 400, 'M_BAD_JSON');
  for (const method of ['PUT', 'GET', 'DELETE']) {
    const body = method === 'PUT' ? {} : undefined;
    assertError(await call(method, path('!nowhere:localhost', root), { token: alice, body }), 404, 'M_NOT_FOUND');
    assertError(await call(method, path(roomId, '$unknown'), { token: alice, body }), 404, 'M_NOT_FOUND');
    // A reply is not the root of a thread.
    assertError(await call(method, path(roomId, reply), { token: alice, body }), 404, 'M_NOT_FOUND');
    // carol is not in the room.
    assertError(await call(method, path(roomId, root), { token: carol, body }), 404, 'M_NOT_FOUND');
    assertError(await call(method, path('not-a-room', root), { token: alice, body }), 400, 'M_INVALID_PARAM');
    assertError(await call(method, path(roomId, 'not-an-event'), { token: alice, body }), 400, 'M_INVALID_PARAM');
    assertError(await call(method, path(roomId, root), { body }), 401, 'M_MISSING_TOKEN');
  }
});

test('sliding sync sends the changes since pos (MSC4308), wakes a long-poll, and pages the rest through the companion endpoint', async () => {
  const other = await send(bob, { body: 'another thread' });
  const first = await ok('POST', SSS, { token: bob, body: { conn_id: 'ts', extensions: { [EXT]: { enabled: true } } } });
  assert.deepEqual(first.extensions[EXT], {}, 'bob has no subscriptions yet');
  await ok('PUT', path(roomId, root), { token: bob, body: {} });
  await ok('PUT', path(roomId, other), { token: bob, body: {} });
  const second = await ok('POST', `${SSS}?pos=${enc(first.pos)}`, { token: bob, body: { conn_id: 'ts' } });
  const subs = second.extensions[EXT].subscribed[roomId];
  assert.deepEqual(Object.keys(subs).sort(), [root, other].sort());
  assert.equal(subs[root].automatic, false);
  assert.ok(subs[other].bump_stamp > subs[root].bump_stamp);
  assert.equal(second.extensions[EXT].prev_batch, undefined);
  // A long-poll ends when a subscription changes.
  const waiting = ok('POST', `${SSS}?pos=${enc(second.pos)}&timeout=10000`, { token: bob, body: { conn_id: 'ts' } });
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  await ok('DELETE', path(roomId, root), { token: bob });
  const third = await waiting;
  assert.ok(Date.now() - started < 5000);
  assert.deepEqual(Object.keys(third.extensions[EXT].unsubscribed[roomId]), [root]);
  assert.equal(third.extensions[EXT].subscribed, undefined);
  // With limit 1, the newest change comes and prev_batch leads to the others.
  await ok('PUT', path(roomId, root), { token: bob, body: { automatic: await send(alice, inThread(root, 'bob!')) } });
  await ok('DELETE', path(roomId, other), { token: bob });
  const fourth = await ok('POST', `${SSS}?pos=${enc(third.pos)}`, { token: bob, body: { conn_id: 'ts', extensions: { [EXT]: { enabled: true, limit: 1 } } } });
  assert.deepEqual(Object.keys(fourth.extensions[EXT].unsubscribed[roomId]), [other]);
  const prev = fourth.extensions[EXT].prev_batch;
  assert.equal(typeof prev, 'string');
  const rest = await ok('GET', `${PAGE}?dir=b&from=${enc(prev)}&to=${enc(third.pos)}`, { token: bob });
  assert.deepEqual(rest.subscribed, { [roomId]: { [root]: { automatic: true, bump_stamp: rest.subscribed[roomId][root].bump_stamp } } });
  assert.equal(rest.end, undefined);
  // Without from/to: everything, newest first, in pages.
  const p1 = await ok('GET', `${PAGE}?dir=b&limit=1`, { token: bob });
  assert.deepEqual(p1.unsubscribed, { [roomId]: { [other]: { bump_stamp: p1.unsubscribed[roomId][other].bump_stamp } } });
  const p2 = await ok('GET', `${PAGE}?dir=b&limit=1&from=${enc(p1.end)}`, { token: bob });
  assert.deepEqual(Object.keys(p2.subscribed[roomId]), [root]);
  assert.equal(p2.end, undefined);
  for (const q of ['', 'dir=f', 'dir=b&from=abc', 'dir=b&to=1_', 'dir=b&limit=0', 'dir=b&limit=-1', 'dir=b&limit=x']) {
    assertError(await call('GET', `${PAGE}?${q}`, { token: bob }), 400, 'M_INVALID_PARAM');
  }
  assertError(await call('POST', SSS, { token: bob, body: { extensions: { [EXT]: { enabled: 'yes' } } } }), 400, 'M_BAD_JSON');
  assertError(await call('POST', SSS, { token: bob, body: { extensions: { [EXT]: { enabled: true, limit: 0 } } } }), 400, 'M_INVALID_PARAM');
});
