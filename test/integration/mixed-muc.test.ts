// One room, two protocols: a matrix-js-sdk client in #lobby:localhost and an @xmpp/client user in
// lobby@conference.localhost. Each sees the other's messages with the right sender, a Matrix
// topic change reaches XMPP as the subject, and an XMPP exit is a Matrix leave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdk, until } from './clients/matrix-sdk.js';
import { xml } from '@xmpp/client';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { NS_MUC_USER, isSubject, statusCodes } from './xmpp-im-support/muc.js';
import type { ImClient } from './xmpp-im-support/im-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const LOBBY = 'lobby@conference.localhost';
let matrix: sdk.MatrixClient;
let xmpp: ImClient;
let roomId: string;

const fx = useXmppServer(['alice', 'bob'], {
  ready: async () => {
    matrix = (await fx.element('alice')).client;
    ({ room_id: roomId } = await matrix.createRoom({ room_alias_name: 'lobby', preset: sdk.Preset.PublicChat, name: 'Lobby' } as sdk.ICreateRoomOpts));
    xmpp = await fx.login('bob');
  },
});

const timeline = () => matrix.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];

test('Matrix and XMPP users talk in one room', async () => {
  await xmpp.join(LOBBY, 'Bob');
  const burst = await xmpp.until(isSubject);
  const alice = burst.find((s) => s.attrs.from === `${LOBBY}/alice`);
  assert.ok(alice, 'the Matrix creator is an occupant');
  assert.equal(alice.getChild('x', NS_MUC_USER).getChild('item').attrs.affiliation, 'owner');
  assert.ok(statusCodes(burst.find((s) => s.attrs.from === `${LOBBY}/Bob`)!).includes('110'));
  await until('the Matrix client sees bob join', () => matrix.getRoom(roomId)?.getMember('@bob:localhost')?.membership === 'join');
  assert.equal(matrix.getRoom(roomId)!.getMember('@bob:localhost')!.name, 'Bob', 'the nick is the display name');

  await xmpp.say(LOBBY, 'hello from xmpp', 'x-1');
  await until('the XMPP message on Matrix', () => timeline().some((e) => e.getContent().body === 'hello from xmpp'));
  const ev = timeline().find((e) => e.getContent().body === 'hello from xmpp')!;
  assert.equal(ev.getSender(), '@bob:localhost');
  assert.equal(ev.getType(), 'm.room.message');

  await matrix.sendTextMessage(roomId, 'hello from matrix');
  const m = await xmpp.last((s) => s.getChild('body')?.text() === 'hello from matrix');
  assert.equal(m.attrs.from, `${LOBBY}/alice`);
  assert.equal(m.attrs.type, 'groupchat');

  await matrix.setRoomTopic(roomId, 'Tea at five');
  const subject = await xmpp.last((s) => s.getChild('subject')?.text() === 'Tea at five');
  assert.equal(subject.attrs.from, `${LOBBY}/alice`);

  await xmpp.send(xml('presence', { to: `${LOBBY}/Bob`, type: 'unavailable' }));
  assert.deepEqual(statusCodes(await xmpp.last((s) => s.attrs.type === 'unavailable')), ['110']);
  await until('the Matrix client sees bob leave', () => matrix.getRoom(roomId)?.getMember('@bob:localhost')?.membership === 'leave');
});
