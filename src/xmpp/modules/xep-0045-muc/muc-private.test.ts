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
