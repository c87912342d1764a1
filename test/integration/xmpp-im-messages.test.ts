// One-to-one messages on the room core (RFC 6121 §5, §8.5; DESIGN §1) with a real client
// library: to bare and full JIDs, into the pair's DM room as m.room.message, from a Matrix
// sender to XMPP, unknown extensions kept whole, errors, and offline delivery at the next login,
// across a restart too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { isMessage, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const fx = useXmppServer(['alice', 'bob', 'carol', 'dave', 'erin']);

const online = (user: string, resource?: string, priority?: number) => fx.online(user, resource, { priority });

const NS_SID = 'urn:xmpp:sid:0';
const chat = (to: string, body: string, ...extra: XmlNode[]) =>
  xml('message', { to, type: 'chat', id: `id-${body.replace(/\W/g, '')}` }, xml('body', {}, body), ...extra);

/** The m.room.message events of the DM room of two local users, oldest first. */
function dmMessages(a: string, b: string) {
  const core = fx.server.core;
  const roomId = core.directs.find(`@${a}:localhost`, `@${b}:localhost`);
  assert.ok(roomId, `a DM room for ${a} and ${b}`);
  return core.storage.events.roomEventsBefore(roomId, Number.MAX_SAFE_INTEGER, 100)
    .filter((e) => e.pdu.type === 'm.room.message').reverse();
}

async function waitFor<T>(fn: () => T | undefined, what: string, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('messages: to the bare JID, every available resource; stored once as m.room.message', async () => {
  const alice = await online('alice', 'phone');
  const bob1 = await online('bob', 'one');
  const bob2 = await online('bob', 'two', 3);
  const bobLow = await online('bob', 'low', -1);

  await alice.send(chat('bob@localhost', 'hello bob'));
  for (const b of [bob1, bob2]) {
    const m = await b.next(isMessage('hello bob'), 'the message');
    assert.equal(m.attrs.from, 'alice@localhost/phone');
    assert.equal(m.attrs.type, 'chat');
    assert.equal(m.attrs.id, 'id-hellobob');
    const sid = m.getChild('stanza-id', NS_SID);
    assert.equal(sid.attrs.by, 'bob@localhost');
    assert.match(sid.attrs.id!, /^\$/);
  }
  await bobLow.nothing(isMessage('hello bob'), 'message at negative priority');
  await alice.nothing(isMessage('hello bob'), 'a copy for the sender');

  const events = await waitFor(() => { const e = dmMessages('alice', 'bob'); return e.length ? e : undefined; }, 'the event');
  assert.equal(events.length, 1);
  const ev = events[0]!;
  assert.equal(ev.pdu.sender, '@alice:localhost');
  assert.equal(ev.pdu.content.msgtype, 'm.text');
  assert.equal(ev.pdu.content.body, 'hello bob');
  assert.deepEqual(ev.pdu.content['org.hearth.xmpp'], { id: 'id-hellobob', from_resource: 'phone' });
  assert.deepEqual(fx.server.core.rooms.joinedMembers(ev.pdu.room_id).sort(), ['@alice:localhost', '@bob:localhost']);
});

test('messages: to a full JID, that resource only; to a full JID that is gone, as to the bare JID', async () => {
  const alice = await online('alice', 'laptop');
  const bob1 = await online('bob', 'desk');
  const bob2 = await online('bob', 'tablet');
  await alice.send(chat('bob@localhost/desk', 'just desk'));
  const m = await bob1.next(isMessage('just desk'), 'the message');
  assert.equal(m.attrs.to, 'bob@localhost/desk');
  await bob2.nothing(isMessage('just desk'), 'message for another resource');

  await alice.send(chat('bob@localhost/nowhere', 'any bob'));
  await bob1.next(isMessage('any bob'), 'the message');
  await bob2.next(isMessage('any bob'), 'the message');
  const last = dmMessages('alice', 'bob').at(-1)!;
  assert.equal((last.pdu.content['org.hearth.xmpp'] as Record<string, unknown>).to_resource, 'nowhere');
});

test('messages: an unknown extension arrives whole; chat states go without history', async () => {
  const alice = await online('alice', 'ext');
  const carol = await online('carol');
  const before = dmMessagesOrEmpty('alice', 'carol');
  await alice.send(chat('carol@localhost', 'with payload',
    xml('origin-id', { xmlns: NS_SID, id: 'origin-42' }),
    xml('custom', { xmlns: 'urn:example:unknown', level: '3' }, xml('deep', {}, 'inner text'), 'tail')));
  const m = await carol.next(isMessage('with payload'), 'the message');
  assert.equal(m.getChild('origin-id', NS_SID).attrs.id, 'origin-42');
  const custom = m.getChild('custom', 'urn:example:unknown');
  assert.equal(custom.attrs.level, '3');
  assert.equal(custom.getChildText('deep'), 'inner text');
  assert.ok(custom.children.includes('tail'));

  await alice.send(xml('message', { to: 'carol@localhost', type: 'chat' }, xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
  const state = await carol.next((el) => el.name === 'message' && !!el.getChild('composing', 'http://jabber.org/protocol/chatstates'), 'chat state');
  assert.equal(state.attrs.from, 'alice@localhost/ext');
  assert.equal(dmMessagesOrEmpty('alice', 'carol').length, before.length + 1);
});

function dmMessagesOrEmpty(a: string, b: string) {
  return fx.server.core.directs.find(`@${a}:localhost`, `@${b}:localhost`) ? dmMessages(a, b) : [];
}

test('messages: a Matrix sender in the DM room reaches the XMPP sessions (bare JID)', async () => {
  const bob = await online('bob', 'matrixside');
  const roomId = await fx.server.core.directs.ensure('@alice:localhost', '@bob:localhost');
  await fx.server.core.rooms.send(roomId, { type: 'm.room.message', sender: '@alice:localhost', content: { msgtype: 'm.text', body: 'from Element' } });
  const m = await bob.next(isMessage('from Element'), 'the message');
  assert.equal(m.attrs.from, 'alice@localhost');
  assert.equal(m.attrs.type, 'chat');
  assert.equal(m.getChild('stanza-id', NS_SID).attrs.id, m.attrs.id);
});

test('messages: errors for unknown users and for groupchat to a user (§8.5)', async () => {
  const alice = await online('alice', 'errors');
  await alice.send(chat('nobody@localhost', 'into the void'));
  const err = await alice.next((el) => el.name === 'message' && el.attrs.type === 'error', 'the error');
  assert.equal(err.attrs.from, 'nobody@localhost');
  assert.ok(err.getChild('error').getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));

  await alice.send(xml('message', { to: 'bob@localhost', type: 'groupchat', id: 'gc' }, xml('body', {}, 'not a room')));
  const gc = await alice.next((el) => el.name === 'message' && el.attrs.id === 'gc', 'the groupchat error');
  assert.equal(gc.attrs.type, 'error');

  // An error is never answered with an error.
  await alice.send(xml('message', { to: 'nobody@localhost', type: 'error', id: 'e1' }, xml('body', {}, 'x')));
  await alice.nothing((el) => el.attrs.id === 'e1', 'an answer to an error');
});

test('offline: messages wait for the next login, oldest first, with a delay stamp', async () => {
  const alice = await online('alice', 'sender');
  await alice.send(chat('dave@localhost', 'first while away'));
  await alice.send(chat('dave@localhost', 'second while away'));
  await waitFor(() => (dmMessagesOrEmpty('alice', 'dave').length === 2 ? true : undefined), 'two events');

  const dave = await fx.login('dave', 'back');
  await dave.nothing(isMessage('first while away'), 'offline messages before initial presence');
  await dave.send(xml('presence'));
  const first = await dave.next(isMessage('first while away'), 'first offline message');
  const second = await dave.next(isMessage('second while away'), 'second offline message');
  for (const m of [first, second]) {
    const delay = m.getChild('delay', 'urn:xmpp:delay');
    assert.equal(delay.attrs.from, 'localhost');
    assert.ok(!Number.isNaN(Date.parse(delay.attrs.stamp!)));
    assert.equal(m.attrs.from, 'alice@localhost/sender');
  }
  // The order they were sent in.
  assert.ok(Date.parse(first.getChild('delay', 'urn:xmpp:delay').attrs.stamp!) <= Date.parse(second.getChild('delay', 'urn:xmpp:delay').attrs.stamp!));

  // Delivered once: a second session that logs in now gets nothing again.
  const dave2 = await online('dave', 'again');
  await dave2.nothing(isMessage('first while away'), 'a repeat');
  await dave.stop();
  await dave2.stop();

  // Gone again: what arrives now waits for the next login, and only that.
  await new Promise((r) => setTimeout(r, 100));
  await alice.send(chat('dave@localhost', 'third while away'));
  await waitFor(() => (dmMessagesOrEmpty('alice', 'dave').length === 3 ? true : undefined), 'third event');
  const dave3 = await online('dave', 'third');
  await dave3.next(isMessage('third while away'), 'the new offline message');
  await dave3.nothing(isMessage('first while away'), 'an old one again');
});

test('offline: messages survive a restart of the server', async () => {
  const alice = await online('alice', 'restart');
  await alice.send(chat('erin@localhost', 'before the restart'));
  await waitFor(() => (dmMessagesOrEmpty('alice', 'erin').length === 1 ? true : undefined), 'the event');
  await fx.restart();
  const erin = await online('erin', 'after');
  const m = await erin.next(isMessage('before the restart'), 'the offline message after a restart');
  assert.ok(m.getChild('delay', 'urn:xmpp:delay'));
  assert.equal(m.attrs.from, 'alice@localhost/restart');
});
