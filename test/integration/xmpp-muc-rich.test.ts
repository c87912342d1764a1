// Reactions, corrections and replies in a room shared by Element (matrix-js-sdk) and an XMPP
// client (@xmpp/client): what each side sends is what the other sees.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/client';
import { loginAndSync, until, sdk, type Session } from './clients/matrix-sdk.js';
import { startTestServer, type TestServer } from './harness.js';
import { MucClient, isSubject } from './xmpp-muc-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const LOBBY = 'lobby@conference.localhost';
const REACTIONS = 'urn:xmpp:reactions:0';
let server: TestServer;
let alice: Session;
let bob: MucClient;
let roomId: string;

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'bob']) await server.addUser(u);
  alice = await loginAndSync(server.matrixUrl, 'alice');
  ({ room_id: roomId } = await alice.client.createRoom({ room_alias_name: 'lobby', preset: sdk.Preset.PublicChat } as sdk.ICreateRoomOpts));
  bob = await MucClient.connect(server.xmppPorts.starttls!, 'bob', 'secret-pw');
  await bob.join(LOBBY, 'Bob', { maxstanzas: '0' });
  await bob.until(isSubject);
});

after(async () => {
  alice?.client.stopClient();
  await bob?.stop();
  await server.destroy();
});

const events = () => alice.client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];

test('reactions both ways: an XMPP reaction is an annotation in Element, an Element reaction reaches XMPP', async () => {
  const { event_id: msg } = await alice.client.sendTextMessage(roomId, 'cake?');
  await bob.last((s) => s.getChild('body')?.text() === 'cake?');
  await bob.send(xml('message', { to: LOBBY, type: 'groupchat', id: 'rx1' }, xml('reactions', { xmlns: REACTIONS, id: msg }, xml('reaction', {}, '🍰'))));
  await until('Element sees bob\'s reaction', () => events().some((e) => e.getType() === 'm.reaction' && e.getSender() === '@bob:localhost'));
  const r = events().find((e) => e.getType() === 'm.reaction')!;
  assert.deepEqual(r.getContent()['m.relates_to'], { rel_type: 'm.annotation', event_id: msg, key: '🍰' });

  await alice.client.sendEvent(roomId, 'm.reaction' as never, { 'm.relates_to': { rel_type: 'm.annotation', event_id: msg, key: '👍' } } as never);
  const got = await bob.last((s) => s.attrs.from === `${LOBBY}/alice` && !!s.getChild('reactions', REACTIONS));
  assert.equal(got.getChild('reactions', REACTIONS)!.attrs.id, msg);
  assert.deepEqual(got.getChild('reactions', REACTIONS)!.getChildren('reaction').map((c) => c.text()), ['👍']);
});

test('corrections and replies both ways', async () => {
  await bob.say(LOBBY, 'teh cake', 'c-1');
  const orig = await bob.last((s) => s.getChild('body')?.text() === 'teh cake');
  const origId = orig.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id!;
  await bob.send(xml('message', { to: LOBBY, type: 'groupchat', id: 'c-2' }, xml('body', {}, 'the cake'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'c-1' })));
  await until('Element shows the edit', () => alice.client.getRoom(roomId)?.findEventById(origId)?.replacingEvent()?.getContent()['m.new_content']?.body === 'the cake');

  const { event_id: reply } = await alice.client.sendEvent(roomId, 'm.room.message' as never, { msgtype: 'm.text', body: 'yum', 'm.relates_to': { 'm.in_reply_to': { event_id: origId } } } as never);
  const r = await bob.last((s) => s.getChild('body')?.text() === 'yum');
  assert.equal(r.getChild('reply', 'urn:xmpp:reply:0')!.attrs.id, origId);
  assert.equal(r.getChild('reply', 'urn:xmpp:reply:0')!.attrs.to, `${LOBBY}/Bob`);
  await bob.send(xml('message', { to: LOBBY, type: 'groupchat', id: 'c-3' }, xml('body', {}, 'indeed'), xml('reply', { xmlns: 'urn:xmpp:reply:0', id: reply, to: `${LOBBY}/alice` })));
  await until('Element shows bob\'s reply', () => events().some((e) => e.getContent().body === 'indeed'));
  const ev = events().find((e) => e.getContent().body === 'indeed')!;
  assert.equal(ev.replyEventId, reply);

  await alice.client.sendEvent(roomId, 'm.room.message' as never, { msgtype: 'm.text', body: '* yum!', 'm.new_content': { msgtype: 'm.text', body: 'yum!' }, 'm.relates_to': { rel_type: 'm.replace', event_id: reply } } as never);
  const edit = await bob.last((s) => s.getChild('body')?.text() === 'yum!');
  assert.equal(edit.getChild('replace', 'urn:xmpp:message-correct:0')!.attrs.id, reply);
});
