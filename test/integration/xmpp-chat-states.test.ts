// XEP-0085 chat states and Matrix typing in a 1:1 chat between an XMPP client (bob) and a Matrix
// client (alice): bob's <composing/> shows him typing in alice's client, and alice typing in hers
// reaches bob as <composing/> and <paused/>.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';
import { startMixedPair, stopMixedPair } from './clients/mixed-pair.js';
import { sdk, until, type Session } from './clients/matrix-sdk.js';
import { ImClient, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const CS = 'http://jabber.org/protocol/chatstates';
let server: TestServer;
let alice: Session;
let bob: ImClient;
let roomId = '';

before(async () => {
  ({ server, alice, bob } = await startMixedPair());
  const seen: sdk.MatrixEvent[] = [];
  alice.client.on(sdk.ClientEvent.Event, (ev) => { seen.push(ev); });
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'b1' }, xml('body', {}, 'hello alice')));
  await until('alice sees bob\'s message', () => seen.some((e) => e.getContent().body === 'hello alice'), 8000);
  roomId = seen.find((e) => e.getContent().body === 'hello alice')!.getRoomId()!;
  await until('alice\'s client has joined the room', () => alice.client.getRoom(roomId)?.getMyMembership() === 'join', 8000);
});

after(() => stopMixedPair({ server, alice, bob }));

const bobTyping = () => alice.client.getRoom(roomId)?.getMember('@bob:localhost')?.typing === true;
const state = (name: string, extra: XmlNode[] = []) => xml('message', { to: 'alice@localhost', type: 'chat' }, xml(name, { xmlns: CS }), ...extra);
const chatState = (name: string) => (el: XmlNode) => el.name === 'message' && el.attrs.from === 'alice@localhost' && el.getChild(name, CS) !== undefined;

test('XMPP <composing/> shows bob typing in alice\'s Matrix client, <paused/> ends it', async () => {
  await bob.send(state('composing'));
  await until('alice sees bob typing', bobTyping, 8000);
  await bob.send(state('paused'));
  await until('alice sees bob stop typing', () => !bobTyping(), 8000);
});

test('<active/>, <inactive/>, <gone/> and a message with a body all end typing', async () => {
  for (const end of ['active', 'inactive', 'gone']) {
    await bob.send(state('composing'));
    await until(`typing before <${end}/>`, bobTyping, 8000);
    await bob.send(state(end));
    await until(`<${end}/> ends typing`, () => !bobTyping(), 8000);
  }
  await bob.send(state('composing'));
  await until('typing before the message', bobTyping, 8000);
  await bob.send(state('active', [xml('body', {}, 'done typing')]));
  await until('the message with <active/> ends typing', () => !bobTyping(), 8000);
});

test('alice typing on Matrix reaches bob as <composing/> then <paused/>, never stored', async () => {
  await alice.client.sendTyping(roomId, true, 20_000);
  const on = await bob.next(chatState('composing'), '<composing/> from alice', 8000);
  assert.equal(on.attrs.type, 'chat');
  assert.equal(on.getChild('body'), undefined);
  assert.ok(on.getChild('no-store', 'urn:xmpp:hints'), 'marked for no archive');
  await alice.client.sendTyping(roomId, false, 0);
  await bob.next(chatState('paused'), '<paused/> from alice', 8000);
  // Nothing of it is in the room history (MAM reads it).
  const types = server.core.storage.events.roomEventsBefore(roomId, Number.MAX_SAFE_INTEGER, 50).map((e) => e.pdu.type);
  assert.ok(!types.includes('m.typing'));
});

test('bob\'s own chat states are not echoed back to him from the typing service', async () => {
  await bob.send(state('composing'));
  await until('alice sees bob typing', bobTyping, 8000);
  await bob.nothing((el) => el.name === 'message' && el.getChild('composing', CS) !== undefined, 'an echo of his own composing', 400);
  await bob.send(state('active'));
  await until('typing ends', () => !bobTyping(), 8000);
  // The stanza itself still reaches alice's XMPP client, as a plain chat state.
  const aliceXmpp = await ImClient.login(server.xmppPorts.starttls!, 'alice', 'secret-pw', 'laptop');
  try {
    await aliceXmpp.send(xml('presence'));
    await bob.send(state('composing'));
    const got = await aliceXmpp.next((el) => el.name === 'message' && el.getChild('composing', CS) !== undefined, 'bob\'s composing', 8000);
    assert.match(String(got.attrs.from), /^bob@localhost\/phone$/);
    await bob.send(state('paused'));
    await aliceXmpp.next((el) => el.name === 'message' && el.getChild('paused', CS) !== undefined, 'bob\'s paused', 8000);
  } finally {
    await aliceXmpp.stop();
  }
});
