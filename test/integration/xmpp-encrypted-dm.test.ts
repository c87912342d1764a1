// An encrypted Matrix message (m.room.encrypted) in a DM reaches the XMPP peer as a plain
// message that says what it is, once per resource (no carbon copies), and is in the archive the
// same way; a server cannot translate Megolm to OMEMO (docs/bridge-mapping.md).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';
import { startMixedPair, stopMixedPair } from './clients/mixed-pair.js';
import { sdk, until, type Session } from './clients/matrix-sdk.js';
import { ImClient, isMessage, isPresence, xml } from './xmpp-im-support/im-client.js';
import { mamQuery } from './xmpp-im-support/mam.js';

const FALLBACK = '[encrypted message from a Matrix client that this XMPP client cannot read]';
const CARBONS = 'urn:xmpp:carbons:2';
let server: TestServer;
let alice: Session;
let bob: ImClient;
let laptop: ImClient;
let roomId = '';

before(async () => {
  ({ server, alice, bob } = await startMixedPair());
  const seen: sdk.MatrixEvent[] = [];
  alice.client.on(sdk.ClientEvent.Event, (ev) => { seen.push(ev); });
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'hi')));
  await until('alice sees bob\'s message', () => seen.some((e) => e.getContent().body === 'hi'), 8000);
  roomId = seen.find((e) => e.getContent().body === 'hi')!.getRoomId()!;
  laptop = await ImClient.login(server.xmppPorts.starttls!, 'bob', 'secret-pw', 'laptop');
  assert.equal((await laptop.iqRaw('set', xml('enable', { xmlns: CARBONS }))).attrs.type, 'result');
  await laptop.send(xml('presence'));
  await laptop.next(isPresence(laptop.jid), 'own presence');
});

after(async () => {
  await laptop?.stop();
  await stopMixedPair({ server, alice, bob });
});

test('an m.room.encrypted event reaches each XMPP resource once, as a message saying it cannot be read', async () => {
  // What a Megolm-encrypting client sends (the ciphertext is opaque to the server either way).
  const { event_id: id } = await alice.client.sendEvent(roomId, 'm.room.encrypted' as never, {
    algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgAEnAC0123456789abcdef', sender_key: 'c2VuZGVya2V5', session_id: 'c2Vzc2lvbg', device_id: alice.deviceId,
  } as never);
  for (const c of [bob, laptop]) {
    const m = await c.next(isMessage(FALLBACK), 'the placeholder', 8000);
    assert.equal(m.attrs.from, 'alice@localhost');
    assert.equal(m.attrs.id, id);
    assert.ok(m.getChild('no-copy', 'urn:xmpp:hints'), 'marked so that carbons do not copy it');
    assert.equal(m.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id, id);
  }
  await laptop.nothing((el) => el.getChild('received', CARBONS) !== undefined || el.getChild('sent', CARBONS) !== undefined, 'a carbon copy', 300);
  const { messages } = await mamQuery(bob);
  assert.ok(messages.some((m) => m.getChildText('body') === FALLBACK), 'and in the archive');
});
