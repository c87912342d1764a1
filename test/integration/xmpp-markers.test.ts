// XEP-0333 displayed markers and Matrix read receipts in a 1:1 chat between alice (Matrix,
// matrix-js-sdk) and bob (XMPP, @xmpp/client, with carbons; he also has a Matrix client): a
// receipt reaches bob as <displayed/>, bob's <displayed/> is his m.read (alice's client shows it,
// his own Matrix client's unread count drops), what bob reads on Matrix reaches his XMPP client
// as a carbon, bad markers are refused. XEP-0184 receipts pass between XMPP clients as they are.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';
import { startMixedPair, stopMixedPair } from './clients/mixed-pair.js';
import { loginAndSync, sdk, until, type Session } from './clients/matrix-sdk.js';
import { ImClient, isMessage, isPresence, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const NS_MARKERS = 'urn:xmpp:chat-markers:0';
const CARBONS = 'urn:xmpp:carbons:2';
let server: TestServer;
let alice: Session;
let bobMatrix: Session;
let bob: ImClient;
const seen: sdk.MatrixEvent[] = [];
let roomId = '';

before(async () => {
  ({ server, alice, bob } = await startMixedPair());
  alice.client.on(sdk.ClientEvent.Event, (ev) => { seen.push(ev); });
  assert.equal((await bob.iqRaw('set', xml('enable', { xmlns: CARBONS }))).attrs.type, 'result');
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'hello-1' }, xml('body', {}, 'hello'), xml('markable', { xmlns: NS_MARKERS })));
  await until('alice sees bob\'s message', () => seen.some((e) => e.getContent().body === 'hello'), 8000);
  roomId = seen.find((e) => e.getContent().body === 'hello')!.getRoomId()!;
  bobMatrix = await loginAndSync(server.matrixUrl, 'bob');
});

after(async () => {
  bobMatrix?.client.stopClient();
  await stopMixedPair({ server, alice, bob });
});

const displayed = (id: string) => (el: XmlNode) => el.name === 'message' && el.getChild('displayed', NS_MARKERS)?.attrs.id === id;
const marker = (id: string | undefined, msgId: string) => xml('message', { to: 'alice@localhost', type: 'chat', id: msgId },
  xml('displayed', id === undefined ? { xmlns: NS_MARKERS } : { xmlns: NS_MARKERS, id }));

test('alice reads bob\'s markable message on Matrix: bob gets <displayed/> for it', async () => {
  const ev = seen.find((e) => e.getContent().body === 'hello')!;
  await alice.client.sendReadReceipt(ev);
  const got = await bob.next(displayed('hello-1'), 'the displayed marker', 8000);
  assert.equal(got.attrs.from, 'alice@localhost');
  assert.equal(got.attrs.type, 'chat');
});

test('bob\'s <displayed/> is his m.read: alice sees it, and his Matrix client\'s unread count drops', async () => {
  const { event_id: q } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'are you there?' } as never);
  const msg = await bob.next(isMessage('are you there?'), 'alice\'s message', 8000);
  assert.ok(msg.getChild('markable', NS_MARKERS), 'messages from Matrix ask for markers');
  const unread = () => bobMatrix.client.getRoom(roomId)?.getUnreadNotificationCount(sdk.NotificationCountType.Total) ?? -1;
  await until('bob\'s Matrix client counts it unread', () => unread() === 1, 8000);
  await bob.send(marker(msg.attrs.id, 'mk-1'));
  await until('alice\'s client shows bob read it', () => alice.client.getRoom(roomId)?.getEventReadUpTo('@bob:localhost') === q, 8000);
  await until('bob\'s Matrix client counts nothing unread', () => unread() === 0, 8000);
  await bob.nothing(displayed(q), 'an echo of his own marker', 300);
});

test('what bob reads on his Matrix client reaches his XMPP client as a carbon of the marker', async () => {
  const { event_id: q } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'read me on Element' } as never);
  await bob.next(isMessage('read me on Element'), 'alice\'s message', 8000);
  await until('bob\'s Matrix client has it', () => bobMatrix.client.getRoom(roomId)?.findEventById(q) !== undefined, 8000);
  await bobMatrix.client.sendReadReceipt(bobMatrix.client.getRoom(roomId)!.findEventById(q)!);
  const copy = await bob.next((el) => {
    const inner = el.getChild('sent', CARBONS)?.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message');
    return inner?.getChild('displayed', NS_MARKERS)?.attrs.id === q;
  }, 'a sent carbon of the displayed marker', 8000);
  const inner = copy.getChild('sent', CARBONS).getChild('forwarded', 'urn:xmpp:forward:0').getChild('message');
  assert.equal(inner.attrs.from, 'bob@localhost');
  assert.equal(inner.attrs.to, 'alice@localhost');
});

test('a marker without id is refused; one for an unknown message moves no receipt', async () => {
  // (Matrix clients take a user's own new message as read by them, so the stored receipts are compared.)
  const receipts = () => JSON.stringify(server.core.storage.receipts.ofUser(roomId, '@bob:localhost'));
  const before = receipts();
  await bob.send(marker(undefined, 'bad-mk'));
  const err = await bob.next((el) => el.name === 'message' && el.attrs.type === 'error' && el.attrs.id === 'bad-mk', 'an error', 8000);
  assert.ok(err.getChild('error').getChild('bad-request', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
  await bob.send(marker('no-such-message', 'mk-unknown'));
  await bob.nothing((el) => el.attrs.type === 'error' && el.attrs.id === 'mk-unknown', 'an error for an unknown id', 300);
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'after the bad markers')));
  await until('alice sees the next message', () => seen.some((e) => e.getContent().body === 'after the bad markers'), 8000);
  assert.equal(receipts(), before);
});

test('XEP-0184: a receipt request and its answer pass between XMPP clients unchanged', async () => {
  const aliceXmpp = await ImClient.login(server.xmppPorts.starttls!, 'alice', 'secret-pw', 'desk');
  try {
    await aliceXmpp.send(xml('presence'));
    await aliceXmpp.next(isPresence(aliceXmpp.jid), 'own presence');
    await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'rq-1' }, xml('body', {}, 'got this?'), xml('request', { xmlns: 'urn:xmpp:receipts' })));
    const m = await aliceXmpp.next(isMessage('got this?'), 'bob\'s message', 8000);
    assert.ok(m.getChild('request', 'urn:xmpp:receipts'));
    await aliceXmpp.send(xml('message', { to: String(m.attrs.from), type: 'chat' }, xml('received', { xmlns: 'urn:xmpp:receipts', id: 'rq-1' })));
    const r = await bob.next((el) => el.getChild('received', 'urn:xmpp:receipts')?.attrs.id === 'rq-1', 'the delivery receipt', 8000);
    assert.equal(r.attrs.from, 'alice@localhost/desk');
  } finally {
    await aliceXmpp.stop();
  }
});
