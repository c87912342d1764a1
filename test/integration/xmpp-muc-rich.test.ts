// Reactions, corrections and replies in a room shared by Element (matrix-js-sdk) and an XMPP
// client (@xmpp/client): what each side sends is what the other sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type XmlNode } from '@xmpp/client';
import { until, sdk, type Session } from './clients/matrix-sdk.js';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import type { ImClient } from './xmpp-im-support/im-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const LOBBY = 'lobby@conference.localhost';
const REACTIONS = 'urn:xmpp:reactions:0';
let alice: Session;
let bob: ImClient;
let roomId: string;

const fx = useXmppServer(['alice', 'bob'], {
  ready: async () => {
    alice = await fx.element('alice');
    ({ room_id: roomId } = await alice.client.createRoom({ room_alias_name: 'lobby', preset: sdk.Preset.PublicChat } as sdk.ICreateRoomOpts));
    bob = await fx.occupant('bob', LOBBY, 'Bob');
  },
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

const NS_MAM = 'urn:xmpp:mam:2';
const RETRACT = 'urn:xmpp:message-retract:1';
let mamQueries = 0;
/** The room's archive as bob's client reads it (XEP-0313 §6.2): the forwarded messages, oldest first. */
async function roomArchive(): Promise<XmlNode[]> {
  const queryid = `rq${++mamQueries}`;
  await bob.send(xml('iq', { type: 'set', to: LOBBY, id: queryid }, xml('query', { xmlns: NS_MAM, queryid })));
  const got = await bob.until((s) => s.name === 'iq' && s.attrs.id === queryid);
  assert.equal(got[got.length - 1]!.attrs.type, 'result');
  return got.filter((s) => s.getChild('result', NS_MAM)?.attrs.queryid === queryid)
    .map((s) => s.getChild('result', NS_MAM)!.getChild('forwarded', 'urn:xmpp:forward:0')!.getChild('message')!);
}

test('room MAM as live: reactions, corrections, replies; retracted and moderated messages as tombstones', async () => {
  const archive = await roomArchive();
  const reactions = archive.filter((m) => m.getChild('reactions', REACTIONS));
  const alicesSet = reactions.filter((m) => m.attrs.from === `${LOBBY}/alice`).pop()!;
  assert.deepEqual(alicesSet.getChild('reactions', REACTIONS)!.getChildren('reaction').map((c) => c.text()), ['👍']);
  assert.equal(alicesSet.getChild('x', 'http://jabber.org/protocol/muc#user')!.getChild('item')!.attrs.jid, 'alice@localhost');
  assert.equal(archive.find((m) => m.getChild('body')?.text() === 'the cake')!.getChild('replace', 'urn:xmpp:message-correct:0')!.attrs.id, 'c-1');
  const yum = archive.find((m) => m.getChild('body')?.text() === 'yum')!;
  const reply = archive.find((m) => m.getChild('body')?.text() === 'indeed')!.getChild('reply', 'urn:xmpp:reply:0')!;
  assert.equal(reply.attrs.id, yum.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id);
  assert.equal(reply.attrs.to, `${LOBBY}/alice`);
  assert.ok(archive.find((m) => m.getChild('body')?.text() === 'yum!')!.getChild('replace', 'urn:xmpp:message-correct:0'));

  // bob retracts his own message (XEP-0424); alice, the owner, removes another in Element (XEP-0425).
  await bob.say(LOBBY, 'oops, wrong room', 'w-1');
  const oops = (await bob.last((s) => s.getChild('body')?.text() === 'oops, wrong room')).getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id!;
  await bob.send(xml('message', { to: LOBBY, type: 'groupchat', id: 'w-2' }, xml('retract', { xmlns: RETRACT, id: oops })));
  await bob.last((s) => s.getChild('retract', RETRACT)?.attrs.id === oops);
  await bob.say(LOBBY, 'buy potions', 'p-1');
  const spam = (await bob.last((s) => s.getChild('body')?.text() === 'buy potions')).getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id!;
  const { event_id: redaction } = await alice.client.redactEvent(roomId, spam, undefined, { reason: 'spam' });
  await bob.last((s) => s.getChild('retract', RETRACT)?.attrs.id === spam);

  const after = await roomArchive();
  assert.ok(!after.some((m) => ['oops, wrong room', 'buy potions'].includes(m.getChild('body')?.text() ?? '')), 'no text of removed messages');
  const own = after.find((m) => m.getChild('retracted', RETRACT) && m.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id === oops)!;
  assert.equal(own.attrs.from, `${LOBBY}/Bob`);
  assert.equal(own.attrs.type, 'groupchat');
  assert.ok(own.getChild('occupant-id', 'urn:xmpp:occupant-id:0'));
  const ownRetraction = after.find((m) => m.getChild('retract', RETRACT)?.attrs.id === oops)!;
  assert.equal(own.getChild('retracted', RETRACT)!.attrs.id, ownRetraction.attrs.id, 'the tombstone names the retraction, which is archived too');
  const moderated = after.find((m) => m.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id === spam)!.getChild('retracted', RETRACT)!;
  assert.equal(moderated.attrs.id, redaction);
  assert.ok(moderated.attrs.stamp);
  assert.equal(moderated.getChild('moderated', 'urn:xmpp:message-moderate:1')!.attrs.by, `${LOBBY}/alice`);
  assert.equal(moderated.getChildText('reason'), 'spam');
  const moderation = after.find((m) => m.getChild('retract', RETRACT)?.attrs.id === spam)!;
  assert.equal(moderation.attrs.from, LOBBY, 'a moderation comes from the room');

  // Bad input: retracting someone else's message, or one that does not exist, is refused.
  await bob.send(xml('message', { to: LOBBY, type: 'groupchat', id: 'w-3' }, xml('retract', { xmlns: RETRACT, id: yum.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id! })));
  assert.equal((await bob.last((s) => s.attrs.id === 'w-3' && s.attrs.type === 'error')).getChild('error')!.getChild('forbidden') !== undefined, true);
  await bob.send(xml('message', { to: LOBBY, type: 'groupchat', id: 'w-4' }, xml('retract', { xmlns: RETRACT, id: '$nothing' })));
  assert.ok((await bob.last((s) => s.attrs.id === 'w-4' && s.attrs.type === 'error')).getChild('error')!.getChild('item-not-found'));
});
