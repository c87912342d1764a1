// Password rooms (§7.2.6, §10.2) and invitations (§7.8, XEP-0249) on the Matrix room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { D, LOBBY, isSubject, join, kit, statusCodes, until, type Session } from './test-kit.js';
import { NS_MUC_USER } from './ns.js';

const OWNER = 'http://jabber.org/protocol/muc#owner';
const field = (v: string, value: string) => x('field', { var: v }, x('value', {}, value));
const invitation = (el: XmlElement) => el.name === 'message' && el.getChild('x', NS_MUC_USER)?.getChild('invite') !== undefined;

test('password room: the secret is server-side; no or a wrong password is not-authorized; the right one enters', async () => {
  const k = await kit();
  const c = await k.session('carol');
  join(c, LOBBY, 'Carol');
  await until(c, isSubject);
  c.stanza(x('iq', { type: 'set', id: 'cfg', to: LOBBY }, x('query', { xmlns: OWNER }, x('x', { xmlns: 'jabber:x:data', type: 'submit' },
    field('FORM_TYPE', 'http://jabber.org/protocol/muc#roomconfig'), field('muc#roomconfig_passwordprotectedroom', '1'), field('muc#roomconfig_roomsecret', 'cauldronburn')))));
  assert.equal((await until(c, (el) => el.attr('id') === 'cfg')).attr('type'), 'result');
  const state = JSON.stringify([...k.core.rooms.head(k.lobbyId)!.state.values()]);
  assert.ok(!state.includes('cauldronburn'), 'the password is in no room state');
  const joinRule = () => k.core.rooms.stateContent(k.lobbyId, 'm.room.join_rules')?.join_rule;
  assert.equal(joinRule(), 'knock', 'closed to Matrix joins while the password is set');
  c.stanza(x('iq', { type: 'get', id: 'info', to: LOBBY }, x('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
  const features = (await until(c, (el) => el.attr('id') === 'info')).getChild('query')!.getChildren('feature').map((f) => f.attr('var'));
  assert.ok(features.includes('muc_passwordprotected') && !features.includes('muc_unsecured'));
  c.stanza(x('iq', { type: 'get', id: 'form', to: LOBBY }, x('query', { xmlns: OWNER })));
  const form = (await until(c, (el) => el.attr('id') === 'form')).getChild('query')!.getChild('x', 'jabber:x:data')!;
  assert.equal(form.getChildren('field').find((f) => f.attr('var') === 'muc#roomconfig_roomsecret')?.getChildText('value'), 'cauldronburn');

  const d = await k.session('dave');
  for (const extra of [[], [x('password', {}, 'wrong')]]) {
    join(d, LOBBY, 'Dave', extra);
    const err = await until(d, (el) => el.attr('type') === 'error');
    d.take();
    assert.equal(errorCondition(err), 'not-authorized');
  }
  assert.equal(k.core.rooms.membership(k.lobbyId, `@dave:${D}`), 'leave');
  join(d, LOBBY, 'Dave', [x('password', {}, 'cauldronburn')]);
  assert.ok(statusCodes(await until(d, (el) => statusCodes(el).includes('110'))).includes('110'));
  // Switching protection off opens the room again.
  c.stanza(x('iq', { type: 'set', id: 'off', to: LOBBY }, x('query', { xmlns: OWNER }, x('x', { xmlns: 'jabber:x:data', type: 'submit' }, field('muc#roomconfig_passwordprotectedroom', '0')))));
  await until(c, (el) => el.attr('id') === 'off');
  assert.equal(joinRule(), 'public');
  const e = await k.session('erin');
  join(e, LOBBY, 'Erin');
  await until(e, isSubject);
  k.close();
});

async function withAlice() {
  const k = await kit();
  const a = await k.session('alice');
  join(a, LOBBY, 'Ally');
  await until(a, isSubject);
  a.take();
  return { k, a };
}

const invite = (s: Session, to: string, id: string, reason?: string) =>
  s.stanza(x('message', { to: LOBBY, id }, x('x', { xmlns: NS_MUC_USER }, x('invite', { to }, reason ? x('reason', {}, reason) : null))));

test('mediated invitation: a Matrix invite by the inviter, the invitation from the room; decline rejects and tells the inviter', async () => {
  const { k, a } = await withAlice();
  const d = await k.session('dave');
  invite(a, `dave@${D}`, 'i1', 'come in');
  const got = await until(d, invitation);
  assert.equal(got.attr('from'), LOBBY);
  const inv = got.getChild('x', NS_MUC_USER)!.getChild('invite')!;
  assert.equal(inv.attr('from'), `alice@${D}`);
  assert.equal(inv.getChildText('reason'), 'come in');
  assert.equal(k.core.rooms.membership(k.lobbyId, `@dave:${D}`), 'invite');
  const ev = k.core.rooms.head(k.lobbyId)!;
  assert.equal(k.core.rooms.stateContent(ev.roomId, 'm.room.member', `@dave:${D}`)?.reason, 'come in');
  d.stanza(x('message', { to: LOBBY, id: 'dec' }, x('x', { xmlns: NS_MUC_USER }, x('decline', { to: `alice@${D}` }, x('reason', {}, 'busy')))));
  const declined = await until(a, (el) => el.getChild('x', NS_MUC_USER)?.getChild('decline') !== undefined);
  assert.equal(declined.getChild('x', NS_MUC_USER)!.getChild('decline')!.attr('from'), `dave@${D}`);
  assert.equal(declined.getChild('x', NS_MUC_USER)!.getChild('decline')!.getChildText('reason'), 'busy');
  const deadline = Date.now() + 2000;
  while (k.core.rooms.membership(k.lobbyId, `@dave:${D}`) !== 'leave' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(k.core.rooms.membership(k.lobbyId, `@dave:${D}`), 'leave');
  k.close();
});

test('a Matrix invite of an XMPP user is a mediated invitation; a direct invitation is a Matrix invite', async () => {
  const { k, a } = await withAlice();
  const e = await k.session('erin');
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.member', sender: `@carol:${D}`, stateKey: `@erin:${D}`, content: { membership: 'invite' } });
  const got = await until(e, invitation);
  assert.equal(got.getChild('x', NS_MUC_USER)!.getChild('invite')!.attr('from'), `carol@${D}`);
  const f = await k.session('frank');
  a.stanza(x('message', { to: `frank@${D}`, id: 'direct' }, x('x', { xmlns: 'jabber:x:conference', jid: LOBBY, reason: 'tea' })));
  const deadline = Date.now() + 2000;
  while (k.core.rooms.membership(k.lobbyId, `@frank:${D}`) !== 'invite' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(k.core.rooms.membership(k.lobbyId, `@frank:${D}`), 'invite');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(f.sent.filter(invitation).length, 0, 'no mediated invitation on top of the direct one');
  k.close();
});

test('invitation errors: remote, unknown and malformed invitees, non-members, and no power to invite', async () => {
  const { k, a } = await withAlice();
  const cond = async (s: Session, to: string, id: string) => {
    invite(s, to, id);
    return errorCondition(await until(s, (el) => el.attr('id') === id && el.attr('type') === 'error'));
  };
  assert.equal(await cond(a, 'bob@elsewhere.example', 'r1'), 'feature-not-implemented');
  assert.equal(await cond(a, `nobody@${D}`, 'r2'), 'item-not-found');
  assert.equal(await cond(a, '@@', 'r3'), 'jid-malformed');
  const out = await k.session('oscar');
  assert.equal(await cond(out, `alice@${D}`, 'r4'), 'not-acceptable');
  const pl = k.core.rooms.stateContent(k.lobbyId, 'm.room.power_levels')!;
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.power_levels', sender: `@carol:${D}`, stateKey: '', content: { ...pl, invite: 50 } });
  await k.session('dave');
  assert.equal(await cond(a, `dave@${D}`, 'r5'), 'forbidden');
  assert.equal(k.core.rooms.membership(k.lobbyId, `@dave:${D}`), 'leave');
  k.close();
});

test('invite blocking (MSC4380): an invitation to a user who blocks invites is forbidden, and invites reach none of their sessions', async () => {
  const { k, a } = await withAlice();
  const g = await k.session('gina');
  await k.core.accountData.put(`@gina:${D}`, 'm.invite_permission_config', { default_action: 'block' });
  invite(a, `gina@${D}`, 'blk');
  const err = await until(a, (el) => el.attr('id') === 'blk' && el.attr('type') === 'error');
  assert.equal(errorCondition(err), 'forbidden');
  assert.notEqual(k.core.rooms.membership(k.lobbyId, `@gina:${D}`), 'invite');
  // An invite made some other way (here straight in the core) is not shown to her XMPP client either.
  await k.core.rooms.send(k.lobbyId, { type: 'm.room.member', sender: `@carol:${D}`, stateKey: `@gina:${D}`, content: { membership: 'invite' } });
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(!g.sent.some(invitation));
  k.close();
});
