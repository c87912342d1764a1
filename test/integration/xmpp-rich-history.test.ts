// Reactions, corrections, replies and retractions of a 1:1 chat beyond live delivery: in the
// messages an XMPP client gets at its next login (offline), in its archive (MAM), and as carbons
// on the user's other XMPP client. alice writes on Matrix (matrix-js-sdk), bob on XMPP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';
import { startMixedPair, stopMixedPair } from './clients/mixed-pair.js';
import { sdk, until, type Session } from './clients/matrix-sdk.js';
import { ImClient, isMessage, isPresence, xml, type XmlNode } from './xmpp-im-support/im-client.js';
import { mamQuery } from './xmpp-im-support/mam.js';

const NS_REACTIONS = 'urn:xmpp:reactions:0';
const NS_CORRECT = 'urn:xmpp:message-correct:0';
const NS_REPLY = 'urn:xmpp:reply:0';
const NS_RETRACT = 'urn:xmpp:message-retract:1';
const CARBONS = 'urn:xmpp:carbons:2';
let server: TestServer;
let alice: Session;
let bob: ImClient | undefined;
const seen: sdk.MatrixEvent[] = [];
let roomId = '';
let bobsEvent = '';

async function login(resource: string, carbons = false): Promise<ImClient> {
  const c = await ImClient.login(server.xmppPorts.starttls!, 'bob', 'secret-pw', resource);
  if (carbons) assert.equal((await c.iqRaw('set', xml('enable', { xmlns: 'urn:xmpp:carbons:2' }))).attrs.type, 'result');
  await c.send(xml('presence'));
  await c.next(isPresence(c.jid), 'own presence');
  return c;
}

before(async () => {
  ({ server, alice, bob } = await startMixedPair());
  alice.client.on(sdk.ClientEvent.Event, (ev) => { seen.push(ev); });
  await bob!.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'b1' }, xml('body', {}, 'lunch at noon?')));
  await until('alice sees bob\'s message', () => seen.some((e) => e.getContent().body === 'lunch at noon?'), 8000);
  const ev = seen.find((e) => e.getContent().body === 'lunch at noon?')!;
  roomId = ev.getRoomId()!;
  bobsEvent = ev.getId()!;
});

after(async () => {
  await stopMixedPair({ server, alice, bob });
});

const reactionsOn = (id: string) => (el: XmlNode) => el.name === 'message' && el.getChild('reactions', NS_REACTIONS)?.attrs.id === id;

test('offline: what alice did on Matrix while bob had no XMPP client reaches him, with its meaning', async () => {
  await bob!.stop();
  bob = undefined;
  await until('bob is offline', () => server.core.storage.kv.get('xmpp_offline_since', 'bob') !== 'online', 8000);
  await alice.client.sendEvent(roomId, 'm.reaction' as never, { 'm.relates_to': { rel_type: 'm.annotation', event_id: bobsEvent, key: '👍' } } as never);
  const { event_id: plan } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'noon at the park' } as never);
  await alice.client.sendEvent(roomId, 'm.room.message' as never, {
    msgtype: 'm.text', body: '* noon at the cafe', 'm.new_content': { msgtype: 'm.text', body: 'noon at the cafe' },
    'm.relates_to': { rel_type: 'm.replace', event_id: plan },
  } as never);
  await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'yes!', 'm.relates_to': { 'm.in_reply_to': { event_id: bobsEvent } } } as never);
  const { event_id: typo } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'secret typo' } as never);
  await alice.client.redactEvent(roomId, typo);

  bob = await login('phone');
  const reaction = await bob.next(reactionsOn('b1'), 'the reaction', 8000);
  assert.deepEqual(reaction.getChild('reactions', NS_REACTIONS).getChildren('reaction').map((r: XmlNode) => r.text()), ['👍']);
  assert.ok(reaction.getChild('delay', 'urn:xmpp:delay'), 'marked as delayed');
  const fixed = await bob.next(isMessage('noon at the cafe'), 'the correction', 8000);
  assert.equal(fixed.getChild('replace', NS_CORRECT)?.attrs.id, plan);
  const reply = await bob.next(isMessage('yes!'), 'the reply', 8000);
  assert.equal(reply.getChild('reply', NS_REPLY)?.attrs.id, 'b1');
  const retraction = await bob.next((el) => el.getChild('retract', NS_RETRACT) !== undefined, 'the retraction', 8000);
  assert.equal(retraction.getChild('retract', NS_RETRACT).attrs.id, typo);
  await bob.nothing(isMessage('secret typo'), 'the retracted message', 300);
});

test('MAM: reactions, corrections and replies come back with their XEP elements', async () => {
  const { messages } = await mamQuery(bob!);
  const reaction = messages.find((m) => m.getChild('reactions', NS_REACTIONS));
  assert.equal(reaction?.getChild('reactions', NS_REACTIONS).attrs.id, 'b1');
  assert.equal(messages.find((m) => m.getChildText('body') === 'noon at the cafe')?.getChild('replace', NS_CORRECT)?.attrs.id !== undefined, true);
  assert.equal(messages.find((m) => m.getChildText('body') === 'yes!')?.getChild('reply', NS_REPLY)?.attrs.id, 'b1');
  assert.ok(messages.some((m) => m.getChild('retracted', NS_RETRACT)), 'the tombstone');
  assert.ok(!messages.some((m) => m.getChildText('body') === 'secret typo'));
});

test('carbons: a reaction bob sends from his phone reaches his laptop as a sent carbon', async () => {
  const laptop = await login('laptop', true);
  try {
    const { event_id: q } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'dessert?' } as never);
    await bob!.next(isMessage('dessert?'), 'alice\'s question', 8000);
    await laptop.next(isMessage('dessert?'), 'alice\'s question on the laptop', 8000);
    await bob!.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'r9' }, xml('reactions', { xmlns: NS_REACTIONS, id: q }, xml('reaction', {}, '🍰'))));
    await until('alice sees the reaction', () => seen.some((e) => e.getType() === 'm.reaction' && e.getContent()['m.relates_to']?.key === '🍰'), 8000);
    const copy = await laptop.next((el) => el.getChild('sent', CARBONS)?.getChild('forwarded')?.getChild('message')?.getChild('reactions', NS_REACTIONS) !== undefined, 'the sent carbon', 8000);
    const inner = copy.getChild('sent', CARBONS).getChild('forwarded').getChild('message');
    assert.deepEqual(inner.getChild('reactions', NS_REACTIONS).getChildren('reaction').map((r: XmlNode) => r.text()), ['🍰']);
    await bob!.nothing((el) => el.getChild('sent', CARBONS) !== undefined && String(el).includes('🍰'), 'a carbon of his own stanza', 300);
  } finally {
    await laptop.stop();
  }
});
