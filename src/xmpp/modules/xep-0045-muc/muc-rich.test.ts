// Reactions, corrections and replies in rooms (XEP-0444, XEP-0308, XEP-0461) as Matrix relations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x, type XmlElement } from '../../xml/element.js';
import { D, LOBBY, isSubject, join, kit, until, type Session } from './test-kit.js';

const REACTIONS = 'urn:xmpp:reactions:0';
const newest = (k: Awaited<ReturnType<typeof kit>>, n = 1) => k.core.storage.events.roomEventsBefore(k.lobbyId, Number.MAX_SAFE_INTEGER, n);

async function room() {
  const k = await kit();
  const [a, b] = [await k.session('alice'), await k.session('bob')];
  for (const [s, nick] of [[a, 'Ally'], [b, 'Bob']] as const) {
    join(s, LOBBY, nick, [x('history', { maxstanzas: '0' })]);
    await until(s, isSubject);
  }
  return { k, a, b };
}

async function post(s: Session, body: string, ...extra: XmlElement[]): Promise<XmlElement> {
  s.stanza(x('message', { to: LOBBY, type: 'groupchat', id: `id-${body}` }, x('body', {}, body), extra));
  return until(s, (el) => el.getChildText('body') === body);
}
const sid = (el: XmlElement) => el.getChild('stanza-id', 'urn:xmpp:sid:0')!.attr('id')!;
const react = (s: Session, id: string, keys: string[]) =>
  s.stanza(x('message', { to: LOBBY, type: 'groupchat', id: `r-${keys.join('')}` }, x('reactions', { xmlns: REACTIONS, id }, keys.map((k) => x('reaction', {}, k)))));

test('reactions: the set becomes m.reaction events and redactions; occupants get the reactor\'s whole set', async () => {
  const { k, a, b } = await room();
  const id = sid(await post(a, 'tea?'));
  react(b, id, ['👍', '☕']);
  const seen = await until(a, (el) => el.getChild('reactions', REACTIONS) !== undefined && el.getChild('reactions', REACTIONS)!.getChildren('reaction').length === 2);
  assert.equal(seen.attr('from'), `${LOBBY}/Bob`);
  assert.equal(seen.attr('type'), 'groupchat');
  assert.equal(seen.getChild('reactions', REACTIONS)!.attr('id'), id);
  const reactions = newest(k, 2).map((e) => [e.pdu.type, e.pdu.sender, (e.pdu.content['m.relates_to'] as { key: string; event_id: string }).key, (e.pdu.content['m.relates_to'] as { event_id: string }).event_id]);
  assert.deepEqual(reactions.sort(), [['m.reaction', `@bob:${D}`, '☕', id], ['m.reaction', `@bob:${D}`, '👍', id]].sort());
  a.take();
  react(b, id, ['☕']);
  const reduced = await until(a, (el) => el.getChild('reactions', REACTIONS)?.getChildren('reaction').length === 1);
  assert.equal(reduced.getChild('reactions', REACTIONS)!.getChildText('reaction'), '☕');
  assert.equal(newest(k)[0]!.pdu.type, 'm.room.redaction');
  // A Matrix reaction reaches XMPP occupants the same way.
  await k.core.rooms.send(k.lobbyId, { type: 'm.reaction', sender: `@carol:${D}`, content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: id, key: '🎉' } } });
  const carol = await until(b, (el) => el.attr('from') === `${LOBBY}/Carol` && el.getChild('reactions', REACTIONS) !== undefined);
  assert.equal(carol.getChild('reactions', REACTIONS)!.getChildText('reaction'), '🎉');
  k.close();
});

test('corrections: XEP-0308 by the sender\'s id is m.replace; a Matrix edit reaches XMPP with <replace/> and the new text', async () => {
  const { k, a, b } = await room();
  const orig = await post(a, 'helo');
  a.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 'fix' }, x('body', {}, 'hello'), x('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'id-helo' })));
  const fixed = await until(b, (el) => el.getChildText('body') === 'hello');
  assert.equal(fixed.getChild('replace', 'urn:xmpp:message-correct:0')!.attr('id'), 'id-helo', 'named by the id occupants saw');
  const ev = newest(k)[0]!;
  assert.deepEqual(ev.pdu.content['m.relates_to'], { rel_type: 'm.replace', event_id: sid(orig) });
  assert.deepEqual(ev.pdu.content['m.new_content'], { msgtype: 'm.text', body: 'hello' });
  assert.equal(ev.pdu.content.body, '* hello');
  // Bob cannot correct Alice's message: it stays a plain message.
  b.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 'nope' }, x('body', {}, 'hijack'), x('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'id-helo' })));
  await until(a, (el) => el.getChildText('body') === 'hijack');
  assert.equal(newest(k)[0]!.pdu.content['m.relates_to'], undefined);
  // Carol edits her own message in Element.
  const first = newest(k, 20).find((e) => e.pdu.content.body === 'second')!;
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.message', sender: `@carol:${D}`, content: {
    msgtype: 'm.text', body: '* 2nd', 'm.new_content': { msgtype: 'm.text', body: '2nd' }, 'm.relates_to': { rel_type: 'm.replace', event_id: first.eventId } } });
  const edit = await until(a, (el) => el.getChildText('body') === '2nd');
  assert.equal(edit.getChild('replace', 'urn:xmpp:message-correct:0')!.attr('id'), first.eventId);
  k.close();
});

test('replies: XEP-0461 by stanza-id is m.in_reply_to without the fallback quote; Matrix replies get <reply/>', async () => {
  const { k, a, b } = await room();
  const id = sid(await post(a, 'lunch?'));
  const quote = '> lunch?\n';
  b.stanza(x('message', { to: LOBBY, type: 'groupchat', id: 'rep' }, x('body', {}, `${quote}yes`),
    x('reply', { xmlns: 'urn:xmpp:reply:0', id, to: `${LOBBY}/Ally` }),
    x('fallback', { xmlns: 'urn:xmpp:fallback:0', for: 'urn:xmpp:reply:0' }, x('body', { start: '0', end: String(quote.length) }))));
  const got = await until(a, (el) => el.attr('id') === 'rep');
  assert.equal(got.getChild('reply', 'urn:xmpp:reply:0')!.attr('id'), id);
  assert.equal(got.getChild('reply', 'urn:xmpp:reply:0')!.attr('to'), `${LOBBY}/Ally`);
  const ev = newest(k)[0]!;
  assert.deepEqual(ev.pdu.content['m.relates_to'], { 'm.in_reply_to': { event_id: id } });
  assert.equal(ev.pdu.content.body, 'yes');
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.message', sender: `@carol:${D}`, content: { msgtype: 'm.text', body: 'me too', 'm.relates_to': { 'm.in_reply_to': { event_id: id } } } });
  const r = await until(b, (el) => el.getChildText('body') === 'me too');
  assert.deepEqual([r.getChild('reply', 'urn:xmpp:reply:0')!.attr('id'), r.getChild('reply', 'urn:xmpp:reply:0')!.attr('to')], [id, `${LOBBY}/Ally`]);
  k.close();
});
