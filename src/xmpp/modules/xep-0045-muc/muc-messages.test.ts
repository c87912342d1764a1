import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { D, LOBBY, MUC, isSubject, join, kit, statusCodes, until, type Session } from './test-kit.js';
import { NS_MUC_USER } from './ns.js';

const CAROL = `@carol:${D}`;

async function twoInLobby() {
  const k = await kit();
  const a = await k.session('alice');
  const b = await k.session('bob');
  join(a, LOBBY, 'Ally');
  await until(a, isSubject);
  join(b, LOBBY, 'Bob');
  await until(b, isSubject);
  await until(a, (el) => el.attr('from') === `${LOBBY}/Bob`);
  a.take();
  b.take();
  return { k, a, b };
}

const body = (s: Session, text: string) => until(s, (el: XmlElement) => el.getChildText('body') === text);

test('groupchat from XMPP: one event by the account, reflected to all with the sender id and stanza-id', async () => {
  const { k, a, b } = await twoInLobby();
  a.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 'c-1' }, x('body', {}, 'hello'), x('origin-id', { xmlns: 'urn:xmpp:sid:0', id: 'c-1' })));
  const mine = await body(a, 'hello');
  const theirs = await body(b, 'hello');
  for (const m of [mine, theirs]) {
    assert.equal(m.attr('from'), `${LOBBY}/Ally`);
    assert.equal(m.attr('id'), 'c-1');
    assert.equal(m.getChild('origin-id', 'urn:xmpp:sid:0')!.attr('id'), 'c-1');
  }
  const eventId = mine.getChild('stanza-id', 'urn:xmpp:sid:0')!.attr('id')!;
  const ev = k.core.storage.events.getEvent(eventId)!;
  assert.equal(ev.pdu.sender, `@alice:${D}`);
  assert.deepEqual([ev.pdu.type, ev.pdu.content.msgtype, ev.pdu.content.body], ['m.room.message', 'm.text', 'hello']);
  k.close();
});

test('messages from Matrix reach occupants from the sender nick; topic changes arrive as subject', async () => {
  const { k, a } = await twoInLobby();
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.message', sender: CAROL, content: { msgtype: 'm.emote', body: 'waves' } });
  const m = await body(a, '/me waves');
  assert.equal(m.attr('from'), `${LOBBY}/Carol`);
  assert.equal(m.attr('type'), 'groupchat');
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.topic', sender: CAROL, stateKey: '', content: { topic: 'New topic' } });
  const s = await until(a, (el) => el.getChildText('subject') === 'New topic');
  assert.equal(s.attr('from'), `${LOBBY}/Carol`);
  assert.equal(s.getChild('body'), undefined);
  k.close();
});

test('subject from XMPP needs the power level; errors for non-occupants and unknown rooms', async () => {
  const { k, a } = await twoInLobby();
  a.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 's1' }, x('subject', {}, 'Mine')));
  assert.equal(errorCondition(await until(a, (el) => el.attr('id') === 's1')), 'forbidden');
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.power_levels', sender: CAROL, stateKey: '', content: { ...k.core.rooms.stateContent(k.lobbyId, 'm.room.power_levels')!, users: { [CAROL]: 100, [`@alice:${D}`]: 50 } } });
  // The promotion shows as a roster change with 110 for alice herself.
  const promoted = await until(a, (el) => el.name === 'presence' && statusCodes(el).includes('110'));
  assert.equal(promoted.getChild('x', NS_MUC_USER)!.getChild('item')!.attr('affiliation'), 'admin');
  a.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 's2' }, x('subject', {}, 'Mine')));
  await until(a, (el) => el.getChildText('subject') === 'Mine');
  assert.equal(k.core.rooms.stateContent(k.lobbyId, 'm.room.topic')?.topic, 'Mine');

  const out = await k.session('erin');
  out.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 'n1' }, x('body', {}, 'hi')));
  assert.equal(errorCondition(await until(out, (el) => el.attr('id') === 'n1')), 'not-acceptable');
  out.stanza(x('message', { to: `nowhere@${MUC}`, type: 'groupchat', id: 'n2' }, x('body', {}, 'hi')));
  assert.equal(errorCondition(await until(out, (el) => el.attr('id') === 'n2')), 'item-not-found');
  out.stanza(x('message', { to: MUC, type: 'groupchat', id: 'n3' }, x('body', {}, 'hi')));
  assert.equal(errorCondition(await until(out, (el) => el.attr('id') === 'n3')), 'service-unavailable');
  for (const to of [`${MUC}/Erin`, `${'x'.repeat(300)}@${MUC}/Erin`]) {
    out.stanza(x('presence', { to, id: 'j' }, x('x', { xmlns: 'http://jabber.org/protocol/muc' })));
    assert.equal(errorCondition(await until(out, (el) => el.attr('id') === 'j')), 'jid-malformed', to);
    out.take();
  }
  k.close();
});

test('Matrix joins, renames and kicks are roster presence', async () => {
  const { k, a } = await twoInLobby();
  await k.core.accounts.create('dave', 'pw');
  const dave = `@dave:${D}`;
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.member', sender: dave, stateKey: dave, content: { membership: 'join', displayname: 'Dave' } });
  const arrived = await until(a, (el) => el.attr('from') === `${LOBBY}/Dave`);
  assert.equal(arrived.getChild('x', NS_MUC_USER)!.getChild('item')!.attr('jid'), `dave@${D}`);
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.member', sender: dave, stateKey: dave, content: { membership: 'join', displayname: 'David' } });
  await until(a, (el) => el.attr('from') === `${LOBBY}/Dave` && el.attr('type') === 'unavailable');
  await until(a, (el) => el.attr('from') === `${LOBBY}/David`);
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.member', sender: CAROL, stateKey: `@bob:${D}`, content: { membership: 'leave' } });
  const kicked = await until(a, (el) => el.attr('from') === `${LOBBY}/Bob` && el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(kicked), ['307']);
  k.close();
});

test('nick change (303) and presence updates', async () => {
  const { k, a, b } = await twoInLobby();
  a.stanza(x('presence', { to: `${LOBBY}/Alice` }));
  const old = await until(b, (el) => el.attr('from') === `${LOBBY}/Ally` && el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(old), ['303']);
  assert.equal(old.getChild('x', NS_MUC_USER)!.getChild('item')!.attr('nick'), 'Alice');
  await until(b, (el) => el.attr('from') === `${LOBBY}/Alice`);
  const self = await until(a, (el) => el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(self), ['110', '303']);
  a.stanza(x('presence', { to: `${LOBBY}/Bob` }));
  assert.equal(errorCondition(await until(a, (el) => el.attr('type') === 'error')), 'conflict');
  b.take();
  a.stanza(x('presence', { to: `${LOBBY}/Alice` }, x('show', {}, 'away')));
  const away = await until(b, (el) => el.getChildText('show') === 'away');
  assert.equal(away.attr('from'), `${LOBBY}/Alice`);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(k.core.rooms.stateContent(k.lobbyId, 'm.room.member', `@alice:${D}`)?.displayname, 'Alice');
  k.close();
});

test('disco of the server, the service and a room; self-ping', async () => {
  const { k, a } = await twoInLobby();
  const iq = async (to: string, ns: string, id: string, name = 'query') => {
    a.stanza(x('iq', { type: 'get', id, to }, x(name, { xmlns: ns })));
    return until(a, (el) => el.attr('id') === id);
  };
  const items = await iq(D, 'http://jabber.org/protocol/disco#items', 'i1');
  assert.ok(items.getChild('query')!.getChildren('item').some((i) => i.attr('jid') === MUC));
  const info = (await iq(MUC, 'http://jabber.org/protocol/disco#info', 'i2')).getChild('query')!;
  assert.equal(info.getChild('identity')!.attr('category'), 'conference');
  assert.ok(info.getChildren('feature').some((f) => f.attr('var') === 'http://jabber.org/protocol/muc'));
  const rooms = (await iq(MUC, 'http://jabber.org/protocol/disco#items', 'i3')).getChild('query')!.getChildren('item');
  assert.deepEqual(rooms.map((r) => [r.attr('jid'), r.attr('name')]), [[LOBBY, 'Lobby']]);
  const room = (await iq(LOBBY, 'http://jabber.org/protocol/disco#info', 'i4')).getChild('query')!;
  const features = room.getChildren('feature').map((f) => f.attr('var'));
  for (const f of ['muc_public', 'muc_open', 'muc_persistent', 'muc_nonanonymous', 'muc_unmoderated']) assert.ok(features.includes(f), f);
  assert.equal(room.getChild('identity')!.attr('name'), 'Lobby');
  const form = room.getChild('x', 'jabber:x:data')!;
  const value = (v: string) => form.getChildren('field').find((f) => f.attr('var') === v)?.getChildText('value');
  assert.equal(value('FORM_TYPE'), 'http://jabber.org/protocol/muc#roominfo');
  assert.equal(value('muc#roominfo_occupants'), '3');
  assert.equal(errorCondition(await iq(`nowhere@${MUC}`, 'http://jabber.org/protocol/disco#info', 'i5')), 'item-not-found');
  assert.equal((await iq(`${LOBBY}/Ally`, 'urn:xmpp:ping', 'p1', 'ping')).attr('type'), 'result');
  const e = await k.session('erin');
  e.stanza(x('iq', { type: 'get', id: 'p2', to: `${LOBBY}/Erin` }, x('ping', { xmlns: 'urn:xmpp:ping' })));
  assert.equal(errorCondition(await until(e, (el) => el.attr('id') === 'p2')), 'not-acceptable');
  k.close();
});
