// Private messages between occupants (XEP-0045 §7.5) and their errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCondition } from '../../errors.js';
import { x } from '../../xml/element.js';
import { D, LOBBY, isSubject, join, kit, until } from './test-kit.js';
import { NS_MUC_USER } from './ns.js';

test('a private message reaches the occupant from the sender occupant JID, with the muc#user mark; not stored', async () => {
  const k = await kit();
  const a = await k.session('alice');
  const b = await k.session('bob');
  const b2 = await k.session('bob', 'tablet');
  for (const [s, nick] of [[a, 'Ally'], [b, 'Bob'], [b2, 'Bob']] as const) {
    join(s, LOBBY, nick);
    await until(s, isSubject);
  }
  const before = k.core.storage.events.roomEventsBefore(k.lobbyId, Number.MAX_SAFE_INTEGER, 1)[0]!.stream;
  a.stanza(x('message', { to: `${LOBBY}/Bob`, type: 'chat', id: 'pm1' }, x('body', {}, 'psst')));
  for (const s of [b, b2]) {
    const got = await until(s, (el) => el.attr('id') === 'pm1');
    assert.equal(got.attr('from'), `${LOBBY}/Ally`);
    assert.equal(got.attr('to'), s.jid);
    assert.equal(got.attr('type'), 'chat');
    assert.equal(got.getChildText('body'), 'psst');
    assert.ok(got.getChild('x', NS_MUC_USER), 'the service adds <x xmlns=muc#user/>');
  }
  assert.equal(k.core.storage.events.roomEventsBefore(k.lobbyId, Number.MAX_SAFE_INTEGER, 1)[0]!.stream, before, 'nothing stored');
  // The sender's own mark is not doubled.
  b.stanza(x('message', { to: `${LOBBY}/Ally`, id: 'pm2' }, x('body', {}, 'hi'), x('x', { xmlns: NS_MUC_USER })));
  const reply = await until(a, (el) => el.attr('id') === 'pm2');
  assert.equal(reply.getChildren('x', NS_MUC_USER).length, 1);
  assert.equal(reply.attr('from'), `${LOBBY}/Bob`);
  k.close();
});

test('private message errors: groupchat type, unknown nick, non-occupant, Matrix-only occupant', async () => {
  const k = await kit();
  const a = await k.session('alice');
  join(a, LOBBY, 'Ally');
  await until(a, isSubject);
  const cond = async (to: string, type: string | undefined, id: string, s = a) => {
    s.stanza(x('message', { to, type, id }, x('body', {}, 'psst')));
    return until(s, (el) => el.attr('id') === id && el.attr('type') === 'error');
  };
  assert.equal(errorCondition(await cond(`${LOBBY}/Carol`, 'groupchat', 'e1')), 'bad-request');
  assert.equal(errorCondition(await cond(`${LOBBY}/Nobody`, 'chat', 'e2')), 'item-not-found');
  const out = await k.session('erin');
  assert.equal(errorCondition(await cond(`${LOBBY}/Ally`, 'chat', 'e3', out)), 'not-acceptable');
  // Carol is in the room through Matrix only: a clear error that names where to write instead.
  const err = await cond(`${LOBBY}/Carol`, 'chat', 'e4');
  assert.equal(errorCondition(err), 'feature-not-implemented');
  assert.match(err.getChild('error')!.getChildText('text') ?? '', new RegExp(`carol@${D}`));
  k.close();
});

test('XEP-0421: the same occupant id in presence, live and history messages and private messages; forged ones replaced', async () => {
  const k = await kit();
  const a = await k.session('alice');
  const b = await k.session('bob');
  join(a, LOBBY, 'Ally', [x('history', { maxstanzas: '0' })]);
  await until(a, isSubject);
  const OID = 'urn:xmpp:occupant-id:0';
  b.stanza(x('presence', { to: `${LOBBY}/Bob`, id: 'jb' }, x('x', { xmlns: 'http://jabber.org/protocol/muc' }, x('history', { maxstanzas: '0' })), x('occupant-id', { xmlns: OID, id: 'forged' })));
  await until(b, isSubject);
  const seen = await until(a, (el) => el.name === 'presence' && el.attr('from') === `${LOBBY}/Bob`);
  const bobId = seen.getChild('occupant-id', OID)!.attr('id')!;
  assert.ok(bobId && bobId !== 'forged');
  assert.equal(seen.getChildren('occupant-id', OID).length, 1);
  assert.ok(!bobId.includes('bob'));
  b.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 'g1' }, x('body', {}, 'hi'), x('occupant-id', { xmlns: OID, id: 'forged' })));
  const live = await until(a, (el) => el.attr('id') === 'g1');
  assert.deepEqual(live.getChildren('occupant-id', OID).map((e) => e.attr('id')), [bobId]);
  b.stanza(x('message', { to: `${LOBBY}/Ally`, type: 'chat', id: 'p1' }, x('body', {}, 'psst')));
  assert.equal((await until(a, (el) => el.attr('id') === 'p1')).getChild('occupant-id', OID)!.attr('id'), bobId);
  // Another session entering later gets the same id in the history, and Carol's differs.
  const a2 = await k.session('alice', 'tablet');
  join(a2, LOBBY, 'Ally');
  await until(a2, isSubject);
  const hist = a2.sent.find((el) => el.attr('id') === 'g1')!;
  assert.deepEqual(hist.getChildren('occupant-id', OID).map((e) => e.attr('id')), [bobId]);
  const carol = a2.sent.find((el) => el.name === 'presence' && el.attr('from') === `${LOBBY}/Carol`)!;
  assert.notEqual(carol.getChild('occupant-id', OID)!.attr('id'), bobId);
  k.close();
});
