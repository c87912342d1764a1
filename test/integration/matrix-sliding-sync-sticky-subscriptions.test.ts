// Element X never unsubscribes from a room it opened: every request repeats its room
// subscriptions (timeline_limit 20) beside the room list (timeline_limit 1). MSC4186 ("Changing
// room configs"): an update carries only the events since the room was last sent, the limit
// bounds that count, and rooms without changes are not sent. So a subscription costs a room
// nothing until something happens in it, and then only what happened.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { enc, matrixFetch, v3 } from './matrix-fetch.js';

const SSS = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';
let server: TestServer;
const { login, ok } = matrixFetch(() => server.matrixUrl);
let token: string;
const rooms: string[] = [];
let txn = 0;

before(async () => {
  server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
  await server.addUser('alice');
  token = (await login('alice')).json.access_token;
  for (let i = 0; i < 5; i++) {
    const roomId = (await ok('POST', `${v3}/createRoom`, { token, body: { name: `room ${i}` } })).room_id;
    rooms.push(roomId);
    for (let j = 0; j < 5; j++) await say(roomId, `${i}-${j}`);
  }
});
after(() => server.destroy());

function say(roomId: string, body: string): Promise<unknown> {
  return ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/t${++txn}`, { token, body: { msgtype: 'm.text', body } });
}

/** What Element X sends: the room list and, every time, its subscriptions to the rooms it opened. */
function elementX(subscribed: string[], pos?: string): Promise<Record<string, any>> {
  return ok('POST', `${SSS}${pos ? `?pos=${enc(pos)}&timeout=0` : ''}`, {
    token,
    body: {
      conn_id: 'room-list',
      lists: { all_rooms: { ranges: [[0, 19]], timeline_limit: 1, required_state: [['m.room.name', '']] } },
      room_subscriptions: Object.fromEntries(subscribed.map((r) => [r, { timeline_limit: 20, required_state: [['m.room.topic', '']] }])),
    },
  });
}

const bodies = (room: any): string[] => room.timeline.filter((e: any) => e.type === 'm.room.message').map((e: any) => e.content.body);

test('a room subscribed and never unsubscribed: updates carry only its new events, bounded by timeline_limit, and only when it changed', async () => {
  const [opened, other] = [rooms[0]!, rooms[1]!];
  const first = await elementX([]);
  assert.equal(first.rooms[opened].timeline.length, 1);
  // Opening the room: the subscription's larger limit sends the history the client lacks, once.
  const open = await elementX([opened], first.pos);
  assert.equal(open.rooms[opened].expanded_timeline, true);
  assert.deepEqual(Object.keys(open.rooms), [opened]);
  assert.ok(open.rooms[opened].timeline.length > 5);
  // Nothing happened: no room at all, although the subscription is repeated.
  const idle = await elementX([opened], open.pos);
  assert.deepEqual(idle.rooms ?? {}, {});
  // Activity elsewhere: only that room, with its one new event.
  await say(other, 'elsewhere');
  const r1 = await elementX([opened], idle.pos);
  assert.deepEqual(Object.keys(r1.rooms), [other]);
  assert.deepEqual(bodies(r1.rooms[other]), ['elsewhere']);
  // One new event in the subscribed room: one event, not twenty, and not an expansion.
  await say(opened, 'one');
  const r2 = await elementX([opened], r1.pos);
  assert.deepEqual(Object.keys(r2.rooms), [opened]);
  assert.deepEqual(bodies(r2.rooms[opened]), ['one']);
  assert.equal(r2.rooms[opened].timeline.length, 1);
  assert.notEqual(r2.rooms[opened].limited, true);
  assert.equal(r2.rooms[opened].expanded_timeline, undefined);
  // A burst larger than the limit: the newest twenty, marked limited.
  for (let i = 0; i < 25; i++) await say(opened, `burst-${i}`);
  const r3 = await elementX([opened], r2.pos);
  assert.equal(r3.rooms[opened].timeline.length, 20);
  assert.equal(r3.rooms[opened].limited, true);
  assert.equal(bodies(r3.rooms[opened]).at(-1), 'burst-24');
});
