// XEP-0085 chat states and XEP-0333 displayed markers in a room shared by Element (alice,
// matrix-js-sdk) and two XMPP clients (bob and carol, @xmpp/client): typing and read receipts of
// the Matrix room, both ways, with each occupant's XEP-0421 id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type XmlNode } from '@xmpp/client';
import { until, sdk, type Session } from './clients/matrix-sdk.js';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { errorOf } from './xmpp-im-support/muc.js';
import type { ImClient } from './xmpp-im-support/im-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const LOBBY = 'lobby@conference.localhost';
const CHATSTATES = 'http://jabber.org/protocol/chatstates';
const MARKERS = 'urn:xmpp:chat-markers:0';
const OCCUPANT_ID = 'urn:xmpp:occupant-id:0';
let alice: Session;
let bob: ImClient;
let carol: ImClient;
let roomId: string;

const fx = useXmppServer(['alice', 'bob', 'carol'], {
  ready: async () => {
    alice = await fx.element('alice');
    ({ room_id: roomId } = await alice.client.createRoom({ room_alias_name: 'lobby', preset: sdk.Preset.PublicChat } as sdk.ICreateRoomOpts));
    bob = await fx.occupant('bob', LOBBY, 'Bob');
    carol = await fx.occupant('carol', LOBBY, 'Carol');
    await until('Element sees both join', () => alice.client.getRoom(roomId)?.getJoinedMemberCount() === 3, 8000);
  },
});

const room = () => alice.client.getRoom(roomId)!;
const bobTyping = () => room().getMember('@bob:localhost')?.typing === true;
const groupchat = (id: string, ...children: XmlNode[]) => xml('message', { to: LOBBY, type: 'groupchat', id }, ...children);

test('bob\'s <composing/> in the room is typing in Element and reaches carol with his occupant id; <active/> ends it', async () => {
  await bob.send(groupchat('t-1', xml('composing', { xmlns: CHATSTATES })));
  await until('Element shows bob typing', bobTyping, 8000);
  const relayed = await carol.last((s) => !!s.getChild('composing', CHATSTATES));
  assert.equal(relayed.attrs.from, `${LOBBY}/Bob`);
  assert.equal(relayed.attrs.type, 'groupchat');
  assert.ok(relayed.getChild('occupant-id', OCCUPANT_ID)?.attrs.id);
  await bob.send(groupchat('t-2', xml('active', { xmlns: CHATSTATES })));
  await until('Element shows bob stopped', () => !bobTyping(), 8000);
});

test('alice typing in Element reaches the XMPP occupants as <composing/> then <paused/> from her occupant JID', async () => {
  await alice.client.sendTyping(roomId, true, 20000);
  for (const c of [bob, carol]) {
    const on = await c.last((s) => !!s.getChild('composing', CHATSTATES));
    assert.equal(on.attrs.from, `${LOBBY}/alice`);
    assert.equal(on.attrs.type, 'groupchat');
    assert.ok(on.getChild('occupant-id', OCCUPANT_ID));
    assert.ok(!on.getChild('body'));
  }
  await alice.client.sendTyping(roomId, false, 0);
  for (const c of [bob, carol]) assert.equal((await c.last((s) => !!s.getChild('paused', CHATSTATES))).attrs.from, `${LOBBY}/alice`);
});

test('bob\'s <displayed/> naming the room stanza-id is his read receipt in Element; an unknown id changes nothing', async () => {
  const { event_id: msg } = await alice.client.sendTextMessage(roomId, 'did you read this?');
  const got = await bob.last((s) => s.getChild('body')?.text() === 'did you read this?');
  const stanzaId = got.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id!;
  assert.equal(stanzaId, msg);
  await bob.send(groupchat('d-0', xml('displayed', { xmlns: MARKERS, id: '$not-in-this-room' })));
  await bob.send(groupchat('d-1', xml('displayed', { xmlns: MARKERS, id: stanzaId })));
  await until('Element shows bob read it', () => room().getEventReadUpTo('@bob:localhost') === msg, 8000);
  const relayed = await carol.last((s) => s.getChild('displayed', MARKERS)?.attrs.id === stanzaId);
  assert.equal(relayed.attrs.from, `${LOBBY}/Bob`);
  assert.ok(relayed.getChild('occupant-id', OCCUPANT_ID));
  assert.ok(!bob.box.some((s) => s.attrs.type === 'error'), 'no error for an unknown id');
});

test('alice\'s read receipt in Element is a <displayed/> of the newest message, to every occupant', async () => {
  await bob.say(LOBBY, 'read me, alice', 'r-1');
  const echo = await bob.last((s) => s.getChild('body')?.text() === 'read me, alice');
  const id = echo.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id!;
  await until('Element has bob\'s message', () => room().findEventById(id) !== undefined, 8000);
  await alice.client.sendReadReceipt(room().findEventById(id)!);
  for (const c of [bob, carol]) {
    const marker = await c.last((s) => s.getChild('displayed', MARKERS)?.attrs.id === id);
    assert.equal(marker.attrs.from, `${LOBBY}/alice`);
    assert.equal(marker.attrs.type, 'groupchat');
    assert.ok(marker.getChild('occupant-id', OCCUPANT_ID));
  }
});

test('bad input: a marker without an id is refused with bad-request; a non-occupant\'s chat state with not-acceptable', async () => {
  await bob.send(groupchat('bad-1', xml('displayed', { xmlns: MARKERS })));
  assert.equal(errorOf(await bob.last((s) => s.attrs.id === 'bad-1' && s.attrs.type === 'error')), 'bad-request');
  const outsider = await fx.login('alice', 'outsider');
  await outsider.send(groupchat('bad-2', xml('composing', { xmlns: CHATSTATES })));
  assert.equal(errorOf(await outsider.last((s) => s.attrs.id === 'bad-2' && s.attrs.type === 'error')), 'not-acceptable');
});
