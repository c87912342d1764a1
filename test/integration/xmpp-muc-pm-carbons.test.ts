// XEP-0280 §6 and XEP-0045 §7.5 with @xmpp/client: a private message to an occupant is copied
// as a 'sent' carbon, marked with <x xmlns='muc#user'/>, to the sender's other carbon-enabled
// session under the same nick in the room, and to no other session; the recipient's sessions get
// it from the room, never as a carbon.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type XmlNode } from '@xmpp/client';
import { startTestServer, type TestServer } from './harness.js';
import { NS_MUC_USER, isSubject } from './xmpp-im-support/muc.js';
import { ImClient } from './xmpp-im-support/im-client.js';
import { createRoom } from '../../src/core/rooms/create-room.js';

const LOBBY = 'lobby@conference.localhost';
const CARBONS = 'urn:xmpp:carbons:2';
let server: TestServer;
let bobA: ImClient;
let bobB: ImClient;
let bobAway: ImClient;
let carol: ImClient;
let carolAway: ImClient;

async function enableCarbons(c: ImClient): Promise<void> {
  await c.send(xml('iq', { type: 'set', id: 'carbons-on' }, xml('enable', { xmlns: CARBONS })));
  await c.until((s) => s.name === 'iq' && s.attrs.id === 'carbons-on' && s.attrs.type === 'result');
}

before(async () => {
  server = await startTestServer();
  for (const u of ['bob', 'carol']) await server.addUser(u);
  const { roomId } = await createRoom(server.core.rooms, { creator: '@carol:localhost', preset: 'public_chat', alias: '#lobby:localhost' });
  server.core.storage.rooms.putAlias('#lobby:localhost', roomId, '@carol:localhost');
  const port = server.xmppPorts.starttls!;
  [bobA, bobB, bobAway] = await Promise.all(['a', 'b', 'away'].map((r) => ImClient.login(port, 'bob', 'secret-pw', r)));
  [carol, carolAway] = await Promise.all(['c', 'away'].map((r) => ImClient.login(port, 'carol', 'secret-pw', r)));
  for (const c of [bobA, bobB, bobAway, carol, carolAway]) {
    await c.send(xml('presence'));
    await enableCarbons(c);
  }
  for (const [c, nick] of [[bobA, 'Bob'], [bobB, 'Bob'], [carol, 'Carol']] as const) {
    await c.join(LOBBY, nick, { maxstanzas: '0' });
    await c.until(isSubject);
  }
});

after(async () => {
  for (const c of [bobA, bobB, bobAway, carol, carolAway]) await c?.stop();
  await server.destroy();
});

const sentCarbon = (body: string) => (s: XmlNode) =>
  s.getChild('sent', CARBONS)?.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message')?.getChildText('body') === body;

test('a private message is a sent carbon on the sender\'s other session under the nick, with the muc#user mark', async () => {
  await bobA.send(xml('message', { to: `${LOBBY}/Carol`, type: 'chat', id: 'pm-1' }, xml('body', {}, 'psst')));
  const got = await carol.last((s) => s.getChildText('body') === 'psst');
  assert.equal(got.attrs.from, `${LOBBY}/Bob`);
  const copy = await bobB.last(sentCarbon('psst'));
  assert.equal(copy.attrs.from, 'bob@localhost');
  const inner = copy.getChild('sent', CARBONS)!.getChild('forwarded', 'urn:xmpp:forward:0')!.getChild('message')!;
  assert.equal(inner.attrs.to, `${LOBBY}/Carol`);
  assert.equal(inner.attrs.from, `${bobA.jid}`);
  assert.ok(inner.getChild('x', NS_MUC_USER), 'marked as a MUC private message');
  // A marker that arrives after the carbon would have: nothing for sessions outside the nick.
  await bobA.send(xml('message', { to: `${LOBBY}/Carol`, type: 'chat', id: 'pm-2' }, xml('body', {}, 'fence')));
  await bobB.last(sentCarbon('fence'));
  await carol.last((s) => s.getChildText('body') === 'fence');
  for (const c of [bobAway, carolAway]) assert.ok(!c.box.some((s) => !!s.getChild('sent', CARBONS) || !!s.getChild('received', CARBONS) || s.getChildText('body') === 'psst'), `${c.jid} got no copy`);
  assert.ok(!bobA.box.some(sentCarbon('psst')), 'the sender itself gets no carbon');
});

test('a private message marked <private/> is not copied; a groupchat to one occupant is refused', async () => {
  await bobA.send(xml('message', { to: `${LOBBY}/Carol`, type: 'chat', id: 'pm-3' }, xml('body', {}, 'off the record'), xml('private', { xmlns: CARBONS })));
  await carol.last((s) => s.getChildText('body') === 'off the record');
  await bobA.send(xml('message', { to: `${LOBBY}/Carol`, type: 'chat', id: 'pm-4' }, xml('body', {}, 'after')));
  await bobB.last(sentCarbon('after'));
  assert.ok(!bobB.box.some(sentCarbon('off the record')));
  await bobA.send(xml('message', { to: `${LOBBY}/Carol`, type: 'groupchat', id: 'pm-5' }, xml('body', {}, 'wrong type')));
  const err = await bobA.last((s) => s.attrs.id === 'pm-5' && s.attrs.type === 'error');
  assert.ok(err.getChild('error')!.getChild('bad-request'));
});
