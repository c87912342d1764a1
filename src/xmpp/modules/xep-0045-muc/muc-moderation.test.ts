// XEP-0425 moderation and XEP-0424 retraction in rooms, as Matrix redactions both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { D, LOBBY, isSubject, join, kit, until, type Session } from './test-kit.js';

const MOD = 'urn:xmpp:message-moderate:1';
const RETRACT = 'urn:xmpp:message-retract:1';
const retractOf = (el: XmlElement) => el.getChild('retract', RETRACT);

async function room() {
  const k = await kit();
  const [c, a, b] = [await k.session('carol'), await k.session('alice'), await k.session('bob')];
  for (const [s, nick] of [[c, 'Carol'], [a, 'Ally'], [b, 'Bob']] as const) {
    join(s, LOBBY, nick, [x('history', { maxstanzas: '0' })]);
    await until(s, isSubject);
  }
  return { k, c, a, b };
}

/** Posts a groupchat message and returns its room stanza-id (the event id). */
async function post(s: Session, body: string): Promise<string> {
  s.stanza(x('message', { to: LOBBY, type: 'groupchat', id: body }, x('body', {}, body)));
  const echo = await until(s, (el) => el.getChildText('body') === body);
  return echo.getChild('stanza-id', 'urn:xmpp:sid:0')!.attr('id')!;
}

const moderate = (s: Session, id: string, iqId: string, withRetract = true) =>
  s.stanza(x('iq', { type: 'set', to: LOBBY, id: iqId }, x('moderate', { xmlns: MOD, id }, withRetract ? x('retract', { xmlns: RETRACT }) : null, x('reason', {}, 'spam'))));

test('XEP-0425: a moderator retracts a message: a Matrix redaction, the moderation from the room to all', async () => {
  const { k, c, a, b } = await room();
  const id = await post(b, 'buy potions');
  moderate(c, id, 'm1');
  assert.equal((await until(c, (el) => el.attr('id') === 'm1')).attr('type'), 'result');
  for (const s of [a, b, c]) {
    const m = await until(s, (el) => retractOf(el)?.attr('id') === id);
    assert.equal(m.attr('from'), LOBBY);
    assert.equal(m.attr('type'), 'groupchat');
    const moderated = retractOf(m)!.getChild('moderated', MOD)!;
    assert.equal(moderated.attr('by'), `${LOBBY}/Carol`);
    assert.ok(moderated.getChild('occupant-id', 'urn:xmpp:occupant-id:0'));
    assert.equal(retractOf(m)!.getChildText('reason'), 'spam');
  }
  assert.ok(k.core.storage.events.redactedBy(id), 'the event is redacted');
  const redaction = k.core.storage.events.roomEventsBefore(k.lobbyId, Number.MAX_SAFE_INTEGER, 1)[0]!;
  assert.deepEqual([redaction.pdu.type, redaction.pdu.sender, redaction.pdu.content.reason], ['m.room.redaction', `@carol:${D}`, 'spam']);
  // A new occupant's history no longer has it.
  const d = await k.session('dave');
  join(d, LOBBY, 'Dave');
  await until(d, isSubject);
  assert.ok(!d.sent.some((el) => el.getChildText('body') === 'buy potions'));
  k.close();
});

test('moderation errors: not a moderator, unknown message, no retract', async () => {
  const { k, a, b, c } = await room();
  const id = await post(b, 'hello');
  moderate(a, id, 'e1');
  assert.equal(errorCondition(await until(a, (el) => el.attr('id') === 'e1')), 'forbidden');
  moderate(c, '$nope', 'e2');
  assert.equal(errorCondition(await until(c, (el) => el.attr('id') === 'e2')), 'item-not-found');
  moderate(c, id, 'e3', false);
  assert.equal(errorCondition(await until(c, (el) => el.attr('id') === 'e3')), 'bad-request');
  assert.equal(k.core.storage.events.redactedBy(id), null);
  k.close();
});

test('XEP-0424: retracting one own message is a redaction by the author; not someone else\'s; Matrix redactions reach XMPP', async () => {
  const { k, a, b, c } = await room();
  const id = await post(b, 'oops');
  const before = k.core.storage.events.roomEventsBefore(k.lobbyId, Number.MAX_SAFE_INTEGER, 1)[0]!.stream;
  b.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 'r1' }, x('retract', { xmlns: RETRACT, id }),
    x('fallback', { xmlns: 'urn:xmpp:fallback:0', for: RETRACT }), x('body', {}, '/me retracted a previous message')));
  const seen = await until(a, (el) => retractOf(el)?.attr('id') === id);
  assert.equal(seen.attr('from'), `${LOBBY}/Bob`);
  assert.equal(retractOf(seen)!.getChild('moderated', MOD), undefined);
  const events = k.core.storage.events.roomEventsBefore(k.lobbyId, Number.MAX_SAFE_INTEGER, 5).filter((e) => e.stream > before);
  assert.deepEqual(events.map((e) => [e.pdu.type, e.pdu.sender]), [['m.room.redaction', `@bob:${D}`]], 'no fallback message posted');
  const other = await post(a, 'mine');
  b.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 'r2' }, x('retract', { xmlns: RETRACT, id: other })));
  assert.equal(errorCondition(await until(b, (el) => el.attr('id') === 'r2' && el.attr('type') === 'error')), 'forbidden');
  // Carol redacts in Element: XMPP occupants see a moderation by Carol.
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.redaction', sender: `@carol:${D}`, redacts: other, content: { reason: 'off topic' } });
  const m = await until(a, (el) => retractOf(el)?.attr('id') === other);
  assert.equal(retractOf(m)!.getChild('moderated', MOD)!.attr('by'), `${LOBBY}/Carol`);
  assert.equal(retractOf(m)!.getChildText('reason'), 'off topic');
  void c;
  k.close();
});

test('destroying a room: one unavailable with <destroy/> per occupant; the Matrix room is closed and left; the JID is free', async () => {
  const { k, c, a, b } = await room();
  for (const s of [a, b, c]) s.take();
  a.stanza(x('iq', { type: 'set', to: LOBBY, id: 'd0' }, x('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, x('destroy', {}))));
  assert.equal(errorCondition(await until(a, (el) => el.attr('id') === 'd0')), 'forbidden');
  c.stanza(x('iq', { type: 'set', to: LOBBY, id: 'd1' }, x('query', { xmlns: 'http://jabber.org/protocol/muc#owner' },
    x('destroy', { jid: `den@conference.${D}` }, x('reason', {}, 'Macbeth doth come.')))));
  assert.equal((await until(c, (el) => el.attr('id') === 'd1')).attr('type'), 'result');
  for (const [s, nick] of [[a, 'Ally'], [b, 'Bob'], [c, 'Carol']] as const) {
    const gone = s.sent.filter((el) => el.name === 'presence' && el.attr('type') === 'unavailable');
    assert.equal(gone.length, 1, `${nick} gets exactly one presence`);
    assert.equal(gone[0]!.attr('from'), `${LOBBY}/${nick}`);
    const destroy = gone[0]!.getChild('x', 'http://jabber.org/protocol/muc#user')!.getChild('destroy')!;
    assert.equal(destroy.attr('jid'), `den@conference.${D}`);
    assert.equal(destroy.getChildText('reason'), 'Macbeth doth come.');
  }
  assert.equal(k.core.rooms.stateContent(k.lobbyId, 'm.room.join_rules')?.join_rule, 'invite');
  assert.deepEqual(k.core.rooms.joinedMembers(k.lobbyId), []);
  assert.equal(k.core.storage.rooms.getAlias(`#lobby:${D}`), null);
  // The room JID now makes a new room.
  join(a, LOBBY, 'Ally');
  await until(a, (el) => el.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChildren('status').some((st) => st.attr('code') === '201') ?? false);
  assert.notEqual(k.core.storage.rooms.getAlias(`#lobby:${D}`), k.lobbyId);
  k.close();
});
