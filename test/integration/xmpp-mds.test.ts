// XEP-0490 Message Displayed Synchronization across both protocols: alice has an XMPP phone and a
// tablet that subscribe to the node (+notify, as Conversations does) and Element
// (matrix-js-sdk). What she marks displayed on XMPP is her private read receipt in Element (the
// unread count drops, bob learns nothing); what she reads in Element moves the item, and her
// XMPP clients are told. One-to-one chats and rooms; items Hearth cannot map are only stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdk, until, type Session } from './clients/matrix-sdk.js';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { isMessage, xml, type ImClient, type XmlNode } from './xmpp-im-support/im-client.js';
import { isEvent, items, onlineWithCaps, publish, publishOptions } from './xmpp-pep-support.js';

const MDS = 'urn:xmpp:mds:displayed:0';
const SID = 'urn:xmpp:sid:0';
const LOBBY = 'lobby@conference.localhost';
let phone: ImClient;
let tablet: ImClient;
let bob: ImClient;
let element: Session;
let carol: Session;

const fx = useXmppServer(['alice', 'bob', 'carol'], {
  ready: async () => {
    phone = fx.track(await onlineWithCaps(fx.port, 'alice', 'phone', [`${MDS}+notify`]));
    tablet = fx.track(await onlineWithCaps(fx.port, 'alice', 'tablet', [`${MDS}+notify`]));
    bob = await fx.login('bob');
    element = await fx.element('alice');
    carol = await fx.element('carol');
  },
});

/** XEP-0490 §3.2, with the publish-options it asks clients for. */
const flag = (chat: string, stanzaId: string, by: string): XmlNode => xml('iq', { type: 'set' }, publish(MDS, chat,
  xml('displayed', { xmlns: MDS }, xml('stanza-id', { xmlns: SID, by, id: stanzaId })),
  publishOptions({ 'pubsub#persist_items': 'true', 'pubsub#max_items': 'max', 'pubsub#send_last_published_item': 'never', 'pubsub#access_model': 'whitelist' })));
const stanzaIdOf = (m: XmlNode, by: string): string => m.getChildren('stanza-id', SID).find((s: XmlNode) => s.attrs.by === by)!.attrs.id;
const itemStanzaId = (event: XmlNode, chat: string): string | undefined => event.getChild('event', 'http://jabber.org/protocol/pubsub#event')
  ?.getChild('items')?.getChildren('item').find((i: XmlNode) => i.attrs.id === chat)?.getChild('displayed', MDS)?.getChild('stanza-id', SID)?.attrs.id;
const total = (roomId: string) => element.client.getRoom(roomId)?.getUnreadNotificationCount(sdk.NotificationCountType.Total) ?? -1;
const isMarker = (el: XmlNode) => el.name === 'message' && !!el.getChild('displayed', 'urn:xmpp:chat-markers:0');

let dmId = '';

test('a one-to-one chat flagged displayed on the phone: Element reads up to it, the tablet is told, bob learns nothing', async () => {
  const got: XmlNode[] = [];
  for (const n of [1, 2, 3]) {
    await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: `b-${n}` }, xml('body', {}, `news ${n}`)));
    got.push(await phone.next(isMessage(`news ${n}`), `bob's message ${n}`, 8000));
  }
  dmId = fx.server.core.directs.find('@alice:localhost', '@bob:localhost')!;
  await until('Element counts three unread', () => total(dmId) === 3, 8000);
  const second = stanzaIdOf(got[1]!, 'alice@localhost');
  assert.equal((await phone.iq(flag('bob@localhost', second, 'alice@localhost'))).attrs.type, 'result');
  const told = await tablet.next(isEvent('alice@localhost', MDS), 'the notification on the tablet', 8000);
  assert.equal(itemStanzaId(told, 'bob@localhost'), second);
  await until('Element reads up to the second message', () => element.client.getRoom(dmId)?.getEventReadUpTo('@alice:localhost') === second, 8000);
  await until('Element counts one unread', () => total(dmId) === 1, 8000);
  await bob.nothing(isMarker, 'a displayed marker (XEP-0490 is private to the account)', 300);
});

test('what alice reads in Element moves the item: her XMPP clients are told, and a fresh client reads it back', async () => {
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'b-4' }, xml('body', {}, 'news 4')));
  const m = await phone.next(isMessage('news 4'), 'bob\'s message 4', 8000);
  const id = stanzaIdOf(m, 'alice@localhost');
  await until('Element has it', () => element.client.getRoom(dmId)?.findEventById(id) !== undefined, 8000);
  await element.client.sendReadReceipt(element.client.getRoom(dmId)!.findEventById(id)!, sdk.ReceiptType.ReadPrivate);
  const told = await phone.next((el) => isEvent('alice@localhost', MDS)(el) && itemStanzaId(el, 'bob@localhost') === id, 'the moved item', 8000);
  assert.equal(told.attrs.type, 'headline');
  const laptop = await fx.login('alice', 'laptop');
  const back = await laptop.iq(xml('iq', { type: 'get' }, items(MDS)));
  const item = back.getChild('pubsub')!.getChild('items')!.getChildren('item').find((i: XmlNode) => i.attrs.id === 'bob@localhost');
  assert.deepEqual(item!.getChild('displayed', MDS).getChild('stanza-id', SID).attrs, { xmlns: SID, by: 'alice@localhost', id });
});

test('a room: flagged on XMPP by its room stanza-id, read in Element; read in Element, the item names the room message', async () => {
  const { room_id: lobbyId } = await carol.client.createRoom({ room_alias_name: 'lobby', preset: sdk.Preset.PublicChat } as sdk.ICreateRoomOpts);
  await element.client.joinRoom(lobbyId);
  const { event_id: first } = await carol.client.sendTextMessage(lobbyId, 'one');
  const { event_id: second } = await carol.client.sendTextMessage(lobbyId, 'two');
  await until('Element counts two unread in the room', () => total(lobbyId) === 2, 8000);
  assert.equal((await phone.iq(flag(LOBBY, first, LOBBY))).attrs.type, 'result');
  await until('Element counts one unread in the room', () => total(lobbyId) === 1, 8000);

  await until('Element has the second', () => element.client.getRoom(lobbyId)?.findEventById(second) !== undefined, 8000);
  await element.client.sendReadReceipt(element.client.getRoom(lobbyId)!.findEventById(second)!);
  const told = await tablet.next((el) => isEvent('alice@localhost', MDS)(el) && itemStanzaId(el, LOBBY) === second, 'the room item', 8000);
  const sid = told.getChild('event')!.getChild('items')!.getChild('item')!.getChild('displayed', MDS)!.getChild('stanza-id', SID)!;
  assert.equal(sid.attrs.by, LOBBY, 'a room message is named by the room\'s stanza-id');
});

test('items that name nothing known, another chat\'s message or an older one are stored and change no receipt; no node, no items', async () => {
  const receipts = () => JSON.stringify(fx.server.core.storage.receipts.ofUser(dmId, '@alice:localhost'));
  const before = receipts();
  const { event_id: elsewhere } = await carol.client.sendTextMessage((await carol.client.createRoom({})).room_id, 'not in the DM');
  const oldest = fx.server.core.storage.events.roomEventsBefore(dmId, Number.MAX_SAFE_INTEGER, 50)
    .filter((e) => e.pdu.type === 'm.room.message').at(-1)!.eventId;
  for (const [chat, sid] of [['bob@localhost', '$unknown'], ['bob@localhost', elsewhere], ['bob@localhost', oldest],
    ['romeo@montague.example', oldest], [`${LOBBY}/carol`, oldest], ['nobody@localhost', oldest]] as const) {
    assert.equal((await phone.iq(flag(chat, sid, 'alice@localhost'))).attrs.type, 'result', `${chat} ${sid} is stored`);
  }
  assert.equal(receipts(), before);
  // Bob's client never made the node: his reading in Matrix gives him none.
  const bobItems = await bob.iqRaw('get', items(MDS));
  assert.equal(bobItems.attrs.type, 'error');
  assert.ok(bobItems.getChild('error')!.getChild('item-not-found', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
});
