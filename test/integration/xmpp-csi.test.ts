// XEP-0352 Client State Indication over a raw socket: while the client is inactive, chat states
// and presence updates wait (only the newest presence per sender), a message with a body goes at
// once after what waited, and <active/> flushes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { RawClient } from './xmpp-support/raw-client.js';
import { ImClient, isPresence, xml } from './xmpp-im-support/im-client.js';
import { x, type XmlElement } from '../../src/xmpp/xml/element.js';

const CSI = 'urn:xmpp:csi:0';
const CS = 'http://jabber.org/protocol/chatstates';
let server: TestServer;
const raws: RawClient[] = [];
const ims: ImClient[] = [];

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'bob']) await server.addUser(u, `${u}-pw`);
});

after(async () => {
  for (const c of raws) c.destroy();
  for (const c of ims) await c.stop();
  await server.destroy();
});

const settle = () => new Promise((r) => setTimeout(r, 600));
const label = (el: XmlElement) => el.name === 'presence' ? `presence:${el.getChildText('status')}`
  : el.getChildText('body') ?? el.elements().map((c) => c.name).join(',');

test('inactive holds chat states and presence; a body and <active/> flush in order', async () => {
  const alice = await RawClient.connect(server.xmppPorts.starttls!);
  raws.push(alice);
  await alice.open();
  await alice.startTls();
  await alice.open();
  assert.equal((await alice.scram('alice', 'alice-pw')).name, 'success');
  const features = await alice.open();
  assert.ok(features.getChild('csi', CSI), 'csi offered');
  await alice.bind('phone');
  alice.send(x('presence').toString());
  await alice.until((el) => el.name === 'presence');

  const bob = await ImClient.login(server.xmppPorts.starttls!, 'bob', 'bob-pw', 'desk');
  ims.push(bob);
  await bob.send(xml('presence'));
  await bob.next(isPresence(bob.jid), 'own presence');

  alice.send(x('inactive', { xmlns: CSI }).toString());
  await settle();
  await bob.send(xml('message', { to: 'alice@localhost/phone', type: 'chat' }, xml('composing', { xmlns: CS })));
  await bob.send(xml('presence', { to: 'alice@localhost/phone' }, xml('status', {}, 'one')));
  await bob.send(xml('presence', { to: 'alice@localhost/phone' }, xml('status', {}, 'two')));
  await settle();
  await assert.rejects(alice.next(300), /timed out/, 'nothing reaches an inactive client');

  await bob.send(xml('message', { to: 'alice@localhost/phone', type: 'chat' }, xml('body', {}, 'wake up')));
  const got = [label(await alice.next()), label(await alice.next()), label(await alice.next())];
  assert.deepEqual(got, ['composing', 'presence:two', 'wake up'], 'held first (newest presence only), then the message');

  await bob.send(xml('message', { to: 'alice@localhost/phone', type: 'chat' }, xml('paused', { xmlns: CS })));
  await settle();
  await assert.rejects(alice.next(300), /timed out/, 'still inactive');
  alice.send(x('active', { xmlns: CSI }).toString());
  assert.equal(label(await alice.next()), 'paused');
  // Active again: chat states go at once.
  await bob.send(xml('message', { to: 'alice@localhost/phone', type: 'chat' }, xml('gone', { xmlns: CS })));
  assert.equal(label(await alice.next()), 'gone');
});
