// Issue 2, item 8: one account, both protocols. alice uses a Matrix client (matrix-js-sdk), bob
// an XMPP client (@xmpp/client); then alice also signs in over XMPP; then both meet in a Matrix
// room that is a MUC; and all of it is still there after a restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sdk, until, type Session } from './clients/matrix-sdk.js';
import { ImClient, xml, isMessage } from './xmpp-im-support/im-client.js';
import type { TestServer } from './harness.js';
import { startMixedPair, stopMixedPair } from './clients/mixed-pair.js';

const ALICE = '@alice:localhost';
const BOB = '@bob:localhost';
const LOBBY = 'lobby@conference.localhost';

let server: TestServer;
let alice: Session;
let bob: ImClient;
let aliceXmpp: ImClient | undefined;
let dmRoom = '';

const bodiesIn = (s: Session, roomId: string) =>
  (s.client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [])
    .filter((e) => e.getType() === 'm.room.message')
    .map((e) => ({ sender: e.getSender(), body: e.getContent().body as string }));

before(async () => {
  ({ server, alice, bob } = await startMixedPair());
});

after(async () => {
  alice?.client.stopClient();
  await bob?.stop();
  await aliceXmpp?.stop();
  await server.destroy();
});

test('an XMPP chat message reaches the Matrix client in the DM room that m.direct lists, and the reply comes back', async () => {
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'm1' }, xml('body', {}, 'hi alice, from Conversations')));

  await until('alice has a room with bob\'s message', () =>
    alice.client.getRooms().some((r) => bodiesIn(alice, r.roomId).some((m) => m.body === 'hi alice, from Conversations')), 8000);
  dmRoom = alice.client.getRooms().find((r) => bodiesIn(alice, r.roomId).length > 0)!.roomId;
  assert.deepEqual(bodiesIn(alice, dmRoom)[0], { sender: BOB, body: 'hi alice, from Conversations' });
  await until('m.direct lists the room for bob', () =>
    (alice.client.getAccountData('m.direct' as never)?.getContent() as Record<string, string[]> | undefined)?.[BOB]?.includes(dmRoom) === true);
  assert.equal(alice.client.getRoom(dmRoom)?.getMyMembership(), 'join');

  await alice.client.sendTextMessage(dmRoom, 'hi bob, from Element');
  const reply = await bob.next(isMessage('hi bob, from Element'), 'alice\'s reply');
  assert.equal(reply.attrs.from, 'alice@localhost');
  assert.equal(reply.attrs.type, 'chat');
});

test('alice signing in over XMPP as well gets the same conversation on her XMPP resource', async () => {
  aliceXmpp = await ImClient.login(server.xmppPorts.starttls!, 'alice', 'secret-pw', 'laptop');
  await aliceXmpp.send(xml('presence'));
  // What bob wrote while she had no XMPP client arrives at her first XMPP login.
  const offline = await aliceXmpp.next(isMessage('hi alice, from Conversations'), 'the earlier message');
  assert.equal(offline.attrs.from?.split('/')[0], 'bob@localhost');
  assert.ok(offline.getChild('delay', 'urn:xmpp:delay'), 'delivered later, with its delay stamp');

  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'm2' }, xml('body', {}, 'are you on your laptop?')));
  const live = await aliceXmpp.next(isMessage('are you on your laptop?'), 'bob\'s message on XMPP');
  assert.equal(live.attrs.from?.split('/')[0], 'bob@localhost');
  await until('and on Matrix, in the same room', () => bodiesIn(alice, dmRoom).some((m) => m.body === 'are you on your laptop?'));
});

test('a Matrix room with the alias #lobby is the MUC lobby@conference: join, subject, messages both ways, leave', async () => {
  const { room_id: lobby } = await alice.client.createRoom({
    room_alias_name: 'lobby', preset: sdk.Preset.PublicChat, name: 'Lobby', topic: 'Tea at five',
  } as sdk.ICreateRoomOpts);
  await alice.client.sendTextMessage(lobby, 'before bob came');

  await bob.send(xml('presence', { to: `${LOBBY}/bob` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  const self = await bob.next((el) => el.name === 'presence' && el.attrs.from === `${LOBBY}/bob`, 'self-presence');
  const codes = self.getChild('x', 'http://jabber.org/protocol/muc#user')!.getChildren('status').map((s) => s.attrs.code);
  assert.ok(codes.includes('110'), `status 110 in ${self}`);
  // The Matrix creator is an occupant, with her real JID (the room is not anonymous).
  const occupant = await bob.next((el) => el.name === 'presence' && el.attrs.from === `${LOBBY}/alice`, 'alice as occupant');
  assert.equal(occupant.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChild('item')?.attrs.jid?.split('/')[0], 'alice@localhost');
  const history = await bob.next(isMessage('before bob came'), 'history');
  assert.ok(history.getChild('delay', 'urn:xmpp:delay'));
  const subject = await bob.next((el) => el.name === 'message' && el.getChildText('subject') === 'Tea at five', 'subject');
  assert.equal(subject.attrs.from?.split('/')[0], LOBBY);
  await until('alice sees bob join', () => alice.client.getRoom(lobby)?.getMember(BOB)?.membership === 'join');

  await bob.send(xml('message', { to: LOBBY, type: 'groupchat', id: 'g1' }, xml('body', {}, 'hello lobby')));
  const reflected = await bob.next(isMessage('hello lobby'), 'reflection');
  assert.equal(reflected.attrs.from, `${LOBBY}/bob`);
  await until('alice sees it from @bob', () => bodiesIn(alice, lobby).some((m) => m.body === 'hello lobby' && m.sender === BOB));

  await alice.client.sendTextMessage(lobby, 'welcome, bob');
  const fromAlice = await bob.next(isMessage('welcome, bob'), 'alice in the MUC');
  assert.equal(fromAlice.attrs.from, `${LOBBY}/alice`);
  assert.equal(fromAlice.attrs.type, 'groupchat');

  await bob.send(xml('presence', { to: `${LOBBY}/bob`, type: 'unavailable' }));
  await bob.next((el) => el.name === 'presence' && el.attrs.type === 'unavailable' && el.attrs.from === `${LOBBY}/bob`, 'leave');
  await until('alice sees bob leave', () => alice.client.getRoom(lobby)?.getMember(BOB)?.membership === 'leave');
});

test('after a restart the whole history is there through /messages', async () => {
  alice.client.stopClient();
  await bob.stop();
  await aliceXmpp?.stop();
  aliceXmpp = undefined;
  server = await server.restart();
  const res = await fetch(`${server.matrixUrl}/_matrix/client/v3/login`, {
    method: 'POST', body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret-pw' }),
  });
  const { access_token: token } = await res.json() as { access_token: string };
  const page = await fetch(`${server.matrixUrl}/_matrix/client/v3/rooms/${encodeURIComponent(dmRoom)}/messages?dir=b&limit=50`, {
    headers: { authorization: `Bearer ${token}` },
  }).then((r) => r.json()) as { chunk: { type: string; sender: string; content: { body?: string } }[] };
  const msgs = page.chunk.filter((e) => e.type === 'm.room.message').map((e) => `${e.sender}: ${e.content.body}`).reverse();
  assert.deepEqual(msgs, [
    `${BOB}: hi alice, from Conversations`,
    `${ALICE}: hi bob, from Element`,
    `${BOB}: are you on your laptop?`,
  ]);
  // And XMPP still works on the restarted server.
  bob = await ImClient.login(server.xmppPorts.starttls!, 'bob', 'secret-pw', 'phone');
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'still here')));
  await until('the message lands in the same DM room', () =>
    server.core.storage.events.roomEventsBefore(dmRoom, Number.MAX_SAFE_INTEGER, 5).some((e) => e.pdu.content.body === 'still here'));
});
