import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCondition } from '../../errors.js';
import { x } from '../../xml/element.js';
import { D, LOBBY, MUC, isSubject, join, kit, statusCodes, until } from './test-kit.js';
import { NS_MUC_USER } from './ns.js';

test('entering: roster with the Matrix creator, self-presence 100+110, history with delay, then subject', async () => {
  const k = await kit();
  const s = await k.session('alice');
  join(s, LOBBY, 'Ally');
  await until(s, isSubject);
  const got = s.take();
  const kinds = got.map((el) => (el.name === 'presence' ? `p:${el.attr('from')!.split('/')[1]}` : isSubject(el) ? 'subject' : `m:${el.getChildText('body')}`));
  assert.deepEqual(kinds, ['p:Carol', 'p:Ally', 'm:first', 'm:second', 'subject']);
  const carol = got[0]!.getChild('x', NS_MUC_USER)!.getChild('item')!;
  assert.deepEqual([carol.attr('affiliation'), carol.attr('role'), carol.attr('jid')], ['owner', 'moderator', `carol@${D}`]);
  const self = got[1]!;
  assert.deepEqual(statusCodes(self), ['100', '110']);
  assert.equal(self.attr('id'), 'join-Ally', 'the join id is reflected');
  assert.equal(self.getChild('x', NS_MUC_USER)!.getChild('item')!.attr('jid'), `alice@${D}/res`);
  const hist = got[2]!;
  assert.equal(hist.attr('from'), `${LOBBY}/Carol`);
  assert.equal(hist.getChild('delay', 'urn:xmpp:delay')!.attr('from'), LOBBY);
  assert.ok(hist.getChild('stanza-id', 'urn:xmpp:sid:0')!.attr('id')!.startsWith('$'));
  assert.equal(got[4]!.getChildText('subject'), 'Welcome');
  // The account joined the Matrix room, with the nick as its display name there.
  assert.equal(k.core.rooms.membership(k.lobbyId, `@alice:${D}`), 'join');
  assert.equal(k.core.rooms.stateContent(k.lobbyId, 'm.room.member', `@alice:${D}`)?.displayname, 'Ally');
  k.close();
});

test('a second occupant: the first sees it arrive; history limits; nick conflicts', async () => {
  const k = await kit();
  const a = await k.session('alice');
  join(a, LOBBY, 'Ally');
  await until(a, isSubject);
  a.take();
  const b = await k.session('bob');
  join(b, LOBBY, 'Bob', [x('history', { maxstanzas: '1' })]);
  await until(b, isSubject);
  const bodies = b.take().filter((el) => el.getChild('body')).map((el) => el.getChildText('body'));
  assert.deepEqual(bodies, ['second']);
  const arrival = await until(a, (el) => el.attr('from') === `${LOBBY}/Bob`);
  assert.deepEqual(statusCodes(arrival), []);
  // Nicks held by another account, XMPP or Matrix, are refused with 409.
  const c = await k.session('dave');
  for (const nick of ['Bob', 'Carol']) {
    join(c, LOBBY, nick);
    const err = await until(c, (el) => el.attr('type') === 'error');
    c.take();
    assert.equal(errorCondition(err), 'conflict', nick);
    assert.equal(err.attr('from'), `${LOBBY}/${nick}`);
  }
  // The same account may enter again under its own nick from another session (§7.2.9).
  const a2 = await k.session('alice', 'tablet');
  join(a2, LOBBY, 'Ally', [x('history', { maxchars: '0' })]);
  const self = await until(a2, (el) => statusCodes(el).includes('110'));
  assert.equal(self.attr('from'), `${LOBBY}/Ally`);
  assert.equal(a2.sent.filter((el) => el.getChild('body')).length, 0, 'maxchars=0: no history');
  k.close();
});

test('leaving: unavailable 110 to the leaver, departure to the others, Matrix leave after the last session', async () => {
  const k = await kit();
  const a = await k.session('alice');
  const b = await k.session('bob');
  join(a, LOBBY, 'Ally');
  join(b, LOBBY, 'Bob');
  await until(a, isSubject);
  await until(b, isSubject);
  b.take();
  a.stanza(x('presence', { to: `${LOBBY}/Ally`, type: 'unavailable' }, x('status', {}, 'bye')));
  const self = await until(a, (el) => el.attr('type') === 'unavailable');
  assert.deepEqual(statusCodes(self), ['110']);
  assert.equal(self.getChildText('status'), 'bye');
  const seen = await until(b, (el) => el.attr('type') === 'unavailable');
  assert.equal(seen.attr('from'), `${LOBBY}/Ally`);
  const deadline = Date.now() + 2000;
  while (k.core.rooms.membership(k.lobbyId, `@alice:${D}`) !== 'leave' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(k.core.rooms.membership(k.lobbyId, `@alice:${D}`), 'leave');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(b.sent.filter((el) => el.attr('from') === `${LOBBY}/Ally` && el.attr('type') !== 'unavailable').length, 0, 'no flicker');
  k.close();
});

test('a session that ends leaves the room; the account stays joined and shows as a Matrix member', async () => {
  const k = await kit();
  const a = await k.session('alice');
  const b = await k.session('bob');
  join(a, LOBBY, 'Ally');
  join(b, LOBBY, 'Bob');
  await until(a, isSubject);
  await until(b, isSubject);
  b.take();
  a.close();
  // Its Matrix display name is the nick it entered with, so the others see the same nick stay,
  // now with the account's JID instead of the session's.
  const back = await until(b, (el) => el.attr('from') === `${LOBBY}/Ally`);
  assert.equal(back.attr('type'), undefined);
  assert.equal(back.getChild('x', NS_MUC_USER)!.getChild('item')!.attr('jid'), `alice@${D}`);
  assert.equal(k.core.rooms.membership(k.lobbyId, `@alice:${D}`), 'join');
  k.close();
});

test('creating a room from XMPP: 201, owner, instant room accepted, Matrix room with the alias', async () => {
  const k = await kit();
  const a = await k.session('alice');
  join(a, `newroom@${MUC}`, 'Ally');
  const self = await until(a, (el) => statusCodes(el).includes('110'));
  assert.deepEqual(statusCodes(self), ['100', '110', '201']);
  assert.equal(self.getChild('x', NS_MUC_USER)!.getChild('item')!.attr('affiliation'), 'owner');
  const roomId = k.core.storage.rooms.getAlias(`#newroom:${D}`);
  assert.ok(roomId);
  assert.equal(k.core.rooms.stateContent(roomId, 'm.room.join_rules')?.join_rule, 'public');
  assert.equal(k.core.rooms.stateContent(roomId, 'm.room.canonical_alias')?.alias, `#newroom:${D}`);
  a.stanza(x('iq', { type: 'set', id: 'cfg', to: `newroom@${MUC}` }, x('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, x('x', { xmlns: 'jabber:x:data', type: 'submit' }))));
  assert.equal((await until(a, (el) => el.attr('id') === 'cfg')).attr('type'), 'result');
  // A configuration form, then a name through it.
  a.stanza(x('iq', { type: 'get', id: 'form', to: `newroom@${MUC}` }, x('query', { xmlns: 'http://jabber.org/protocol/muc#owner' })));
  const form = await until(a, (el) => el.attr('id') === 'form');
  assert.ok(form.getChild('query')!.getChild('x', 'jabber:x:data'));
  a.stanza(x('iq', { type: 'set', id: 'name', to: `newroom@${MUC}` }, x('query', { xmlns: 'http://jabber.org/protocol/muc#owner' },
    x('x', { xmlns: 'jabber:x:data', type: 'submit' }, x('field', { var: 'muc#roomconfig_roomname' }, x('value', {}, 'New Room'))))));
  assert.equal((await until(a, (el) => el.attr('id') === 'name')).attr('type'), 'result');
  assert.equal(k.core.rooms.stateContent(roomId, 'm.room.name')?.name, 'New Room');
  // Not the owner: forbidden.
  const b = await k.session('bob');
  b.stanza(x('iq', { type: 'get', id: 'f2', to: `newroom@${MUC}` }, x('query', { xmlns: 'http://jabber.org/protocol/muc#owner' })));
  assert.equal(errorCondition(await until(b, (el) => el.attr('id') === 'f2')), 'forbidden');
  k.close();
});

test('members-only and banned: registration-required and forbidden; bad nicks and groupchat 1.0 joins', async () => {
  const k = await kit();
  const carol = `@carol:${D}`;
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.member', sender: carol, stateKey: `@mallory:${D}`, content: { membership: 'ban' } });
  const m = await k.session('mallory');
  join(m, LOBBY, 'M');
  assert.equal(errorCondition(await until(m, (el) => el.attr('type') === 'error')), 'forbidden');
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.join_rules', sender: carol, stateKey: '', content: { join_rule: 'invite' } });
  const e = await k.session('erin');
  join(e, LOBBY, 'Erin');
  assert.equal(errorCondition(await until(e, (el) => el.attr('type') === 'error')), 'registration-required');
  e.take();
  e.stanza(x('presence', { to: LOBBY }, x('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  assert.equal(errorCondition(await until(e, (el) => el.attr('type') === 'error')), 'jid-malformed');
  e.take();
  e.stanza(x('presence', { to: `${LOBBY}/Erin` }));
  assert.deepEqual(statusCodes(await until(e, (el) => el.attr('type') === 'unavailable')), ['110', '307', '333']);
  k.close();
});
