// Voice requests (XEP-0045 §7.13, §8.6): the forms, and the whole exchange on a real core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { D, LOBBY, isSubject, join, kit, until, type Session } from './test-kit.js';
import { FORM_REQUEST, approvalForm, parseVoiceForm, voiceFormIn } from './voice.js';

const DATA = 'jabber:x:data';
const field = (v: string, value: string) => x('field', { var: v }, x('value', {}, value));
const form = (fields: XmlElement[], type = 'submit') => x('x', { xmlns: DATA, type }, field('FORM_TYPE', FORM_REQUEST), fields);
const request = (fields: XmlElement[], type?: string, id = 'v') => x('message', { to: LOBBY, id }, form(fields, type));

test('the forms: a request is found and read; an approval form has the §8.6 fields', () => {
  const el = request([field('muc#role', 'participant')]);
  assert.deepEqual(parseVoiceForm(voiceFormIn(el)!), { role: 'participant', jid: undefined, nick: undefined });
  assert.equal(voiceFormIn(x('message', {}, x('x', { xmlns: DATA, type: 'submit' }, field('FORM_TYPE', 'other')))), null);
  assert.equal(parseVoiceForm(form([field('muc#role', 'participant')], 'form')), null, 'not a submission');
  assert.equal(parseVoiceForm(form([field('muc#request_allow', 'maybe')])), null, 'not a boolean');
  assert.equal(parseVoiceForm(form([field('muc#roomnick', 'Ann'), field('muc#request_allow', '1')]))?.allow, true);
  const approval = approvalForm({ roomJid: LOBBY, to: 'mod@d/r', id: 'a1', jid: 'ann@d/r', nick: 'Ann' });
  const vars = approval.getChild('x', DATA)!.getChildren('field', DATA).map((f) => [f.attr('var'), f.getChildText('value')]);
  assert.deepEqual(vars, [['FORM_TYPE', FORM_REQUEST], ['muc#role', 'participant'], ['muc#jid', 'ann@d/r'], ['muc#roomnick', 'Ann'], ['muc#request_allow', 'false']]);
  assert.equal(approval.getChild('x', DATA)!.attr('type'), 'form');
});

/** The lobby made moderated (messages need level 10): carol (owner) moderates, alice enters as a visitor. */
async function moderatedRoom() {
  const k = await kit();
  const pl = k.core.rooms.stateContent(k.lobbyId, 'm.room.power_levels')!;
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.power_levels', sender: `@carol:${D}`, stateKey: '', content: { ...pl, events_default: 10 } });
  const [c, a] = [await k.session('carol'), await k.session('alice')];
  for (const [s, nick] of [[c, 'Carol'], [a, 'Ally']] as const) {
    join(s, LOBBY, nick, [x('history', { maxstanzas: '0' })]);
    await until(s, isSubject);
  }
  return { k, c, a };
}
const roleOf = (el: XmlElement) => el.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChild('item')?.attr('role');
const errorOf = (s: Session, id: string) => until(s, (el) => el.attr('id') === id && el.attr('type') === 'error').then((el) => errorCondition(el));

test('a visitor asks for voice, the moderator gets the form, approving it makes her a participant (her power level)', async () => {
  const { k, c, a } = await moderatedRoom();
  a.stanza(request([field('muc#role', 'participant')]));
  const approval = await until(c, (el) => el.getChild('x', DATA) !== undefined);
  assert.equal(approval.attr('from'), LOBBY);
  const fields = new Map(approval.getChild('x', DATA)!.getChildren('field', DATA).map((f) => [f.attr('var'), f.getChildText('value')]));
  assert.equal(fields.get('muc#roomnick'), 'Ally');
  assert.equal(fields.get('muc#jid'), `alice@${D}/res`);
  // The moderator submits the form with the allow box set.
  c.stanza(x('message', { to: LOBBY, id: approval.attr('id') }, form([...['muc#role', 'muc#jid', 'muc#roomnick'].map((v) => field(v, fields.get(v)!)), field('muc#request_allow', 'true')])));
  const presence = await until(a, (el) => el.name === 'presence' && el.attr('from') === `${LOBBY}/Ally` && roleOf(el) === 'participant');
  assert.ok(presence);
  assert.equal(k.core.rooms.stateContent(k.lobbyId, 'm.room.power_levels')!.users![`@alice:${D}` as never], 10);
  k.close();
});

test('voice request errors: wrong role, not a submission, a non-occupant, a non-moderator approving, an unknown nick', async () => {
  const { k, c, a } = await moderatedRoom();
  a.stanza(request([field('muc#role', 'moderator')], undefined, 'e1'));
  assert.equal(await errorOf(a, 'e1'), 'bad-request');
  a.stanza(request([field('muc#role', 'participant')], 'form', 'e2'));
  assert.equal(await errorOf(a, 'e2'), 'bad-request');
  const out = await k.session('dave');
  out.stanza(request([field('muc#role', 'participant')], undefined, 'e3'));
  assert.equal(await errorOf(out, 'e3'), 'not-acceptable');
  a.stanza(request([field('muc#roomnick', 'Ally'), field('muc#request_allow', 'true')], undefined, 'e4'));
  assert.equal(await errorOf(a, 'e4'), 'forbidden');
  c.stanza(request([field('muc#roomnick', 'Nobody'), field('muc#request_allow', 'true')], undefined, 'e5'));
  assert.equal(await errorOf(c, 'e5'), 'item-not-found');
  // A participant's request and a declined approval change nothing.
  c.stanza(request([field('muc#roomnick', 'Ally'), field('muc#request_allow', 'false')], undefined, 'e6'));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(k.core.rooms.stateContent(k.lobbyId, 'm.room.power_levels')!.users![`@alice:${D}` as never], undefined);
  k.close();
});
