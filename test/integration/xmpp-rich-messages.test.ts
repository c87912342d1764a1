// Reactions (XEP-0444), corrections (XEP-0308) and replies (XEP-0461) in a 1:1 chat between an
// XMPP client (bob) and a Matrix client (alice): each arrives on the other side as the other
// protocol's relation (m.annotation, m.replace, m.in_reply_to), both ways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';
import { startMixedPair, stopMixedPair } from './clients/mixed-pair.js';
import { sdk, until, type Session } from './clients/matrix-sdk.js';
import { ImClient, isMessage, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const NS_REACTIONS = 'urn:xmpp:reactions:0';
const NS_CORRECT = 'urn:xmpp:message-correct:0';
const NS_REPLY = 'urn:xmpp:reply:0';
let server: TestServer;
let alice: Session;
let bob: ImClient;
const seen: sdk.MatrixEvent[] = [];
let roomId = '';
let bobsEvent = ''; // the event of bob's first message, id 'b1'

before(async () => {
  ({ server, alice, bob } = await startMixedPair());
  alice.client.on(sdk.ClientEvent.Event, (ev) => { seen.push(ev); });
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'b1' }, xml('body', {}, 'hello alice')));
  await until('alice sees bob\'s message', () => seen.some((e) => e.getContent().body === 'hello alice'), 8000);
  const ev = seen.find((e) => e.getContent().body === 'hello alice')!;
  roomId = ev.getRoomId()!;
  bobsEvent = ev.getId()!;
});

after(() => stopMixedPair({ server, alice, bob }));

const reactions = (keys: string[], id: string, msgId: string): XmlNode =>
  xml('message', { to: 'alice@localhost', type: 'chat', id: msgId },
    xml('reactions', { xmlns: NS_REACTIONS, id }, ...keys.map((k) => xml('reaction', {}, k))));

function reactionOf(key: string): sdk.MatrixEvent | undefined {
  return seen.find((e) => e.getType() === 'm.reaction' && e.getSender() === '@bob:localhost' && e.getContent()['m.relates_to']?.key === key);
}

test('XMPP reactions become m.reaction events, and a withdrawn one is redacted', async () => {
  await bob.send(reactions(['👍'], bobsEvent, 'r1')); // by the stanza-id (the event id)
  await until('alice sees 👍', () => reactionOf('👍') !== undefined, 8000);
  assert.deepEqual(reactionOf('👍')!.getContent()['m.relates_to'], { rel_type: 'm.annotation', event_id: bobsEvent, key: '👍' });
  const thumbs = reactionOf('👍')!.getId(); // the client empties it once redacted
  await bob.send(reactions(['🎉'], 'b1', 'r2')); // by the message's own id; 👍 is gone from the set
  await until('alice sees 🎉', () => reactionOf('🎉') !== undefined, 8000);
  await until('👍 is redacted', () => seen.some((e) => e.getType() === 'm.room.redaction'
    && (e.getAssociatedId() === thumbs || e.getContent().redacts === thumbs)), 8000);
});

test('an XMPP correction becomes m.replace of the original event', async () => {
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'b2' },
    xml('body', {}, 'hello Alice'), xml('replace', { xmlns: NS_CORRECT, id: 'b1' })));
  await until('alice sees the edit', () => seen.some((e) => e.getContent()['m.relates_to']?.rel_type === 'm.replace'), 8000);
  const edit = seen.find((e) => e.getContent()['m.relates_to']?.rel_type === 'm.replace')!;
  assert.equal(edit.getContent()['m.relates_to']?.event_id, bobsEvent);
  assert.equal(edit.getContent()['m.new_content']?.body, 'hello Alice');
  assert.equal(edit.getContent().body, '* hello Alice');
});

test('an XMPP reply becomes m.in_reply_to, without the fallback quote', async () => {
  const { event_id: asked } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'coffee?' } as never);
  const msg = await bob.next(isMessage('coffee?'), 'alice\'s question', 8000);
  const sid = msg.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id as string;
  assert.equal(sid, asked);
  const body = '> coffee?\nyes please';
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'b3' }, xml('body', {}, body),
    xml('reply', { xmlns: NS_REPLY, to: 'alice@localhost', id: sid }),
    xml('fallback', { xmlns: 'urn:xmpp:fallback:0', for: NS_REPLY }, xml('body', { start: '0', end: '10' }))));
  await until('alice sees the reply', () => seen.some((e) => e.getContent()['m.relates_to']?.['m.in_reply_to'] !== undefined), 8000);
  const reply = seen.find((e) => e.getContent()['m.relates_to']?.['m.in_reply_to'] !== undefined)!;
  assert.equal(reply.getContent()['m.relates_to']?.['m.in_reply_to']?.event_id, asked);
  assert.equal(reply.getContent().body, 'yes please');
});

test('a Matrix reaction, or its redaction, reaches XMPP as the sender\'s whole reaction set', async () => {
  const annotate = (key: string) => alice.client.sendEvent(roomId, 'm.reaction' as never,
    { 'm.relates_to': { rel_type: 'm.annotation', event_id: bobsEvent, key } } as never);
  await annotate('❤️');
  const first = await bob.next((el) => el.getChild('reactions', NS_REACTIONS) !== undefined, 'a reactions stanza', 8000);
  const r1 = first.getChild('reactions', NS_REACTIONS)!;
  assert.equal(r1.attrs.id, 'b1', 'bob knows his message by the id he gave it');
  assert.deepEqual(r1.getChildren('reaction').map((r) => r.text()), ['❤️']);
  const { event_id: laugh } = await annotate('😂');
  const second = await bob.next((el) => el.getChild('reactions', NS_REACTIONS) !== undefined, 'the next reactions stanza', 8000);
  assert.deepEqual(second.getChild('reactions', NS_REACTIONS)!.getChildren('reaction').map((r) => r.text()).sort(), ['❤️', '😂'].sort());
  await alice.client.redactEvent(roomId, laugh);
  const third = await bob.next((el) => el.getChild('reactions', NS_REACTIONS) !== undefined, 'the set after a redaction', 8000);
  assert.deepEqual(third.getChild('reactions', NS_REACTIONS)!.getChildren('reaction').map((r) => r.text()), ['❤️']);
});

test('a Matrix edit reaches XMPP as a correction with the new text', async () => {
  const { event_id: orig } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'see you at 5' } as never);
  await bob.next(isMessage('see you at 5'), 'the original', 8000);
  await alice.client.sendEvent(roomId, 'm.room.message' as never, {
    msgtype: 'm.text', body: '* see you at 6', 'm.new_content': { msgtype: 'm.text', body: 'see you at 6' },
    'm.relates_to': { rel_type: 'm.replace', event_id: orig },
  } as never);
  const fixed = await bob.next(isMessage('see you at 6'), 'the correction', 8000);
  assert.equal(fixed.getChild('replace', NS_CORRECT)?.attrs.id, orig);
});

test('a Matrix reply reaches XMPP as an XEP-0461 reply to bob\'s message id', async () => {
  await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'hi bob', 'm.relates_to': { 'm.in_reply_to': { event_id: bobsEvent } } } as never);
  const msg = await bob.next(isMessage('hi bob'), 'the reply', 8000);
  const reply = msg.getChild('reply', NS_REPLY)!;
  assert.equal(reply.attrs.id, 'b1');
  assert.equal(reply.attrs.to, 'bob@localhost');
});
