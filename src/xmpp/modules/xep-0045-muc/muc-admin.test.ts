// muc#admin on the room core (XEP-0045 §8-§10): kick, ban, voice, affiliations and their lists,
// what the occupants see, what the Matrix room holds, and the XEP's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { D, LOBBY, isSubject, join, kit, statusCodes, until, type Kit, type Session } from './test-kit.js';
import { NS_MUC_ADMIN, NS_MUC_USER } from './ns.js';

const item = (el: XmlElement) => el.getChild('x', NS_MUC_USER)!.getChild('item')!;
let n = 0;

/** Sends a muc#admin iq and returns the answer. */
async function admin(s: Session, type: 'get' | 'set', ...items: XmlElement[]): Promise<XmlElement> {
  const id = `adm-${++n}`;
  s.stanza(x('iq', { type, id, to: LOBBY }, x('query', { xmlns: NS_MUC_ADMIN }, items)));
  return until(s, (el) => el.name === 'iq' && el.attr('id') === id);
}

/** Carol (owner, on XMPP too), Ally and Bob in #lobby. */
async function room(): Promise<{ k: Kit; c: Session; a: Session; b: Session }> {
  const k = await kit();
  const [c, a, b] = [await k.session('carol'), await k.session('alice'), await k.session('bob')];
  for (const [s, nick] of [[c, 'Carol'], [a, 'Ally'], [b, 'Bob']] as const) {
    join(s, LOBBY, nick);
    await until(s, isSubject);
  }
  await until(c, (el) => el.attr('from') === `${LOBBY}/Bob`);
  await until(a, (el) => el.attr('from') === `${LOBBY}/Bob`);
  for (const s of [c, a, b]) s.take();
  return { k, c, a, b };
}

test('kick: 307 with actor and reason to the kicked and the others; a Matrix kick with the reason', async () => {
  const { k, c, a, b } = await room();
  assert.equal((await admin(c, 'set', x('item', { nick: 'Bob', role: 'none' }, x('reason', {}, 'Avaunt')))).attr('type'), 'result');
  const self = await until(b, (el) => el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(self), ['110', '307']);
  assert.equal(item(self).attr('role'), 'none');
  assert.equal(item(self).getChild('actor')!.attr('nick'), 'Carol');
  assert.equal(item(self).getChildText('reason'), 'Avaunt');
  const seen = await until(a, (el) => el.attr('from') === `${LOBBY}/Bob` && el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(seen), ['307']);
  const ev = k.core.rooms.head(k.lobbyId)!;
  assert.equal(k.core.rooms.membership(k.lobbyId, `@bob:${D}`), 'leave');
  const member = k.core.rooms.stateContent(ev.roomId, 'm.room.member', `@bob:${D}`)!;
  assert.equal(member.reason, 'Avaunt');
  k.close();
});

test('kick errors: not a moderator, unknown nick, self, higher standing, malformed items', async () => {
  const { k, c, a } = await room();
  const cond = async (s: Session, ...items: XmlElement[]) => errorCondition(await admin(s, 'set', ...items));
  assert.equal(await cond(a, x('item', { nick: 'Bob', role: 'none' })), 'forbidden');
  assert.equal(await cond(c, x('item', { nick: 'Nobody', role: 'none' })), 'item-not-found');
  assert.equal(await cond(c, x('item', { nick: 'Carol', role: 'none' })), 'conflict');
  assert.equal(await cond(c, x('item', { role: 'none' })), 'bad-request');
  assert.equal(await cond(c, x('item', { nick: 'Bob', role: 'emperor' })), 'bad-request');
  assert.equal(await cond(c, x('item', { nick: 'Bob', role: 'none', affiliation: 'none' })), 'bad-request');
  assert.equal(await cond(c, x('item', { jid: 'not a jid@@', affiliation: 'outcast' })), 'jid-malformed');
  // Ally made admin (owner's grant): she may not kick or ban the owner.
  assert.equal((await admin(c, 'set', x('item', { jid: `alice@${D}`, affiliation: 'admin' }))).attr('type'), 'result');
  const promoted = await until(a, (el) => el.attr('from') === `${LOBBY}/Ally` && item(el).attr('affiliation') === 'admin');
  assert.equal(item(promoted).attr('role'), 'moderator');
  assert.deepEqual(statusCodes(promoted), ['110']);
  assert.equal(await cond(a, x('item', { nick: 'Carol', role: 'none' })), 'not-allowed');
  assert.equal(await cond(a, x('item', { jid: `carol@${D}`, affiliation: 'outcast' })), 'not-allowed');
  assert.equal(await cond(a, x('item', { jid: `alice@${D}`, affiliation: 'outcast' })), 'conflict');
  // Only owners make admins; the last owner cannot step down.
  assert.equal(await cond(a, x('item', { jid: `bob@${D}`, affiliation: 'admin' })), 'forbidden');
  assert.equal(await cond(c, x('item', { jid: `carol@${D}`, affiliation: 'admin' })), 'conflict');
  // Nothing was applied by the refused requests.
  assert.equal(k.core.rooms.membership(k.lobbyId, `@carol:${D}`), 'join');
  assert.equal(k.core.rooms.membership(k.lobbyId, `@bob:${D}`), 'join');
  k.close();
});

test('ban: 301 outcast to all, Matrix ban; the ban list; unban; the banned cannot enter', async () => {
  const { k, c, a, b } = await room();
  assert.equal((await admin(c, 'set', x('item', { jid: `bob@${D}`, affiliation: 'outcast' }, x('reason', {}, 'Treason')))).attr('type'), 'result');
  const self = await until(b, (el) => el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(self), ['110', '301']);
  assert.equal(item(self).attr('affiliation'), 'outcast');
  assert.equal(item(self).getChildText('reason'), 'Treason');
  const seen = await until(a, (el) => el.attr('from') === `${LOBBY}/Bob` && el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(seen), ['301']);
  assert.equal(item(seen).attr('affiliation'), 'outcast');
  assert.equal(k.core.rooms.membership(k.lobbyId, `@bob:${D}`), 'ban');
  const list = await admin(c, 'get', x('item', { affiliation: 'outcast' }));
  const items = list.getChild('query', NS_MUC_ADMIN)!.getChildren('item');
  assert.deepEqual(items.map((i) => [i.attr('jid'), i.attr('affiliation'), i.getChildText('reason')]), [[`bob@${D}`, 'outcast', 'Treason']]);
  // A member may not read the ban list.
  assert.equal(errorCondition(await admin(a, 'get', x('item', { affiliation: 'outcast' }))), 'forbidden');
  b.take();
  join(b, LOBBY, 'Bob');
  assert.equal(errorCondition(await until(b, (el) => el.attr('type') === 'error')), 'forbidden');
  assert.equal((await admin(c, 'set', x('item', { jid: `bob@${D}`, affiliation: 'none' }))).attr('type'), 'result');
  assert.equal(k.core.rooms.membership(k.lobbyId, `@bob:${D}`), 'leave');
  k.close();
});

test('voice: revoke (visitor, cannot speak), grant back; the lists of owners, members and participants', async () => {
  const { k, c, a } = await room();
  assert.equal((await admin(c, 'set', x('item', { nick: 'Ally', role: 'visitor' }))).attr('type'), 'result');
  const muted = await until(c, (el) => el.attr('from') === `${LOBBY}/Ally` && item(el).attr('role') === 'visitor');
  assert.equal(item(muted).attr('affiliation'), 'member');
  assert.equal((k.core.rooms.stateContent(k.lobbyId, 'm.room.power_levels')!.users as Record<string, number>)[`@alice:${D}`], -1);
  a.take();
  a.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 'm1' }, x('body', {}, 'hi')));
  assert.equal(errorCondition(await until(a, (el) => el.attr('id') === 'm1' && el.attr('type') === 'error')), 'forbidden');
  assert.equal((await admin(c, 'set', x('item', { nick: 'Ally', role: 'participant' }))).attr('type'), 'result');
  await until(c, (el) => el.attr('from') === `${LOBBY}/Ally` && item(el).attr('role') === 'participant');
  assert.equal((k.core.rooms.stateContent(k.lobbyId, 'm.room.power_levels')!.users as Record<string, number>)[`@alice:${D}`], undefined);
  // Voice of an owner cannot be revoked.
  assert.equal(errorCondition(await admin(c, 'set', x('item', { nick: 'Carol', role: 'visitor' }))), 'not-allowed');

  const owners = (await admin(a, 'get', x('item', { affiliation: 'owner' }))).getChild('query')!.getChildren('item');
  assert.deepEqual(owners.map((i) => [i.attr('jid'), i.attr('nick'), i.attr('role')]), [[`carol@${D}`, 'Carol', 'moderator']]);
  const members = (await admin(c, 'get', x('item', { affiliation: 'member' }))).getChild('query')!.getChildren('item');
  assert.deepEqual(members.map((i) => i.attr('jid')).sort(), [`alice@${D}`, `bob@${D}`]);
  const voice = (await admin(c, 'get', x('item', { role: 'participant' }))).getChild('query')!.getChildren('item');
  assert.deepEqual(voice.map((i) => i.attr('nick')).sort(), ['Ally', 'Bob']);
  assert.equal(errorCondition(await admin(a, 'get', x('item', { role: 'participant' }))), 'forbidden');
  assert.equal(errorCondition(await admin(c, 'get', x('item', { affiliation: 'none' }))), 'bad-request');
  k.close();
});

test('members-only: revoking membership removes with 321; granting it is a Matrix invite', async () => {
  const { k, c, a, b } = await room();
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.join_rules', sender: `@carol:${D}`, stateKey: '', content: { join_rule: 'invite' } });
  assert.equal((await admin(c, 'set', x('item', { jid: `bob@${D}`, affiliation: 'none' }))).attr('type'), 'result');
  const self = await until(b, (el) => el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(self), ['110', '321']);
  assert.equal(item(self).attr('affiliation'), 'none');
  assert.deepEqual(statusCodes(await until(a, (el) => el.attr('from') === `${LOBBY}/Bob` && el.attr('type') === 'unavailable')), ['321']);
  await k.session('dave');
  assert.equal((await admin(c, 'set', x('item', { jid: `dave@${D}`, affiliation: 'member' }))).attr('type'), 'result');
  assert.equal(k.core.rooms.membership(k.lobbyId, `@dave:${D}`), 'invite');
  assert.equal(errorCondition(await admin(c, 'set', x('item', { jid: `nobody@${D}`, affiliation: 'member' }))), 'item-not-found');
  k.close();
});

test('a kick and a ban from Matrix look the same to XMPP occupants, Matrix-only members included', async () => {
  const { k, a, b } = await room();
  const carol = `@carol:${D}`;
  await k.core.accounts.create('erin', 'pw');
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.member', sender: `@erin:${D}`, stateKey: `@erin:${D}`, content: { membership: 'join', displayname: 'Erin' } });
  await until(a, (el) => el.attr('from') === `${LOBBY}/Erin`);
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.member', sender: carol, stateKey: `@bob:${D}`, content: { membership: 'leave', reason: 'noise' } });
  const self = await until(b, (el) => el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(self), ['110', '307']);
  assert.equal(item(self).getChildText('reason'), 'noise');
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.member', sender: carol, stateKey: `@erin:${D}`, content: { membership: 'ban' } });
  const gone = await until(a, (el) => el.attr('from') === `${LOBBY}/Erin` && el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(gone), ['301']);
  assert.equal(item(gone).getChild('actor')!.attr('nick'), 'Carol');
  k.close();
});

test('room version 12: the creators (infinite power, in no power levels map) are owners; the owner list has them', async () => {
  const k = await kit();
  const { createRoom } = await import('../../../core/rooms/create-room.js');
  await k.core.accounts.create('vic', 'pw');
  const { roomId } = await createRoom(k.core.rooms, { creator: `@vic:${D}`, preset: 'public_chat', version: '12', alias: `#v12:${D}` });
  k.core.storage.rooms.putAlias(`#v12:${D}`, roomId, `@vic:${D}`);
  assert.equal(k.core.rooms.stateContent(roomId, 'm.room.power_levels')!.users?.[`@vic:${D}` as never], undefined, 'v12 keeps creators out of the map');
  const v = await k.session('vic');
  const room = `v12@conference.${D}`;
  join(v, room, 'Vic');
  const self = await until(v, (el) => el.name === 'presence' && statusCodes(el).includes('110'));
  assert.deepEqual([item(self).attr('affiliation'), item(self).attr('role')], ['owner', 'moderator']);
  v.stanza(x('iq', { type: 'get', id: 'owners', to: room }, x('query', { xmlns: NS_MUC_ADMIN }, x('item', { affiliation: 'owner' }))));
  const owners = await until(v, (el) => el.attr('id') === 'owners');
  assert.deepEqual(owners.getChild('query')!.getChildren('item').map((i) => i.attr('jid')), [`vic@${D}`]);
  v.stanza(x('iq', { type: 'get', id: 'cfg', to: room }, x('query', { xmlns: 'http://jabber.org/protocol/muc#owner' })));
  assert.equal((await until(v, (el) => el.attr('id') === 'cfg')).attr('type'), 'result', 'the creator may configure the room');
  k.close();
});
