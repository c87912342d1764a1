// A password room closes both doors: an XMPP owner (@xmpp/client) sets a password; an Element
// user (matrix-js-sdk) can no longer join but may knock; an XMPP user enters only with the right
// password (the service invites it in the owner's name, then it joins); removing the password
// opens the room to Matrix joins again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type XmlNode } from '@xmpp/client';
import { until, type Session } from './clients/matrix-sdk.js';
import type { TestServer } from './harness.js';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { NS_MUC, errorOf, isSubject, statusCodes } from './xmpp-im-support/muc.js';
import type { ImClient } from './xmpp-im-support/im-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const VAULT = 'vault@conference.localhost';
const OWNER = 'http://jabber.org/protocol/muc#owner';
let server: TestServer;
let alice: Session;
let bob: ImClient;
let carol: ImClient;
let roomId: string;

const fx = useXmppServer(['alice', 'bob', 'carol'], {
  ready: async (s) => {
    server = s;
    alice = await fx.element('alice');
    bob = await fx.occupant('bob', VAULT, 'Bob'); // creates the room: bob is its owner
    carol = await fx.login('carol');
    roomId = server.core.storage.rooms.getAlias('#vault:localhost')!;
  },
});

let iqs = 0;
async function configure(...fields: [string, string][]): Promise<XmlNode> {
  const id = `cfg-${++iqs}`;
  await bob.send(xml('iq', { type: 'set', to: VAULT, id }, xml('query', { xmlns: OWNER }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
    ...fields.map(([v, value]) => xml('field', { var: v }, xml('value', {}, value)))))));
  return bob.last((s) => s.attrs.id === id);
}
async function features(): Promise<string[]> {
  const id = `info-${++iqs}`;
  await carol.send(xml('iq', { type: 'get', to: VAULT, id }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
  return (await carol.last((s) => s.attrs.id === id)).getChild('query')!.getChildren('feature').map((f) => f.attrs.var as string);
}
const joinRule = () => server.core.rooms.stateContent(roomId, 'm.room.join_rules')?.join_rule;
const enter = (password?: string, id = 'j') =>
  carol.send(xml('presence', { to: `${VAULT}/Carol`, id }, xml('x', { xmlns: NS_MUC }, ...(password === undefined ? [] : [xml('password', {}, password)]))));

test('a password closes the Matrix door: Element may knock but not join; XMPP enters with the password only', async () => {
  assert.equal((await configure(['muc#roomconfig_passwordprotectedroom', '1'], ['muc#roomconfig_roomsecret', 'sesame'])).attrs.type, 'result');
  assert.equal(joinRule(), 'knock');
  await assert.rejects(alice.client.joinRoom('#vault:localhost'), /M_FORBIDDEN|forbidden/i);
  await alice.client.knockRoom('#vault:localhost');
  assert.equal(server.core.rooms.membership(roomId, '@alice:localhost'), 'knock');

  const f = await features();
  assert.ok(f.includes('muc_passwordprotected') && f.includes('muc_open') && !f.includes('muc_membersonly'), f.join(' '));
  for (const [password, id] of [[undefined, 'j1'], ['open sesame', 'j2']] as const) {
    await enter(password, id);
    assert.equal(errorOf(await carol.last((s) => s.attrs.id === id && s.attrs.type === 'error')), 'not-authorized');
  }
  assert.ok(!['join', 'invite'].includes(server.core.rooms.membership(roomId, '@carol:localhost') ?? ''), 'a wrong password earns no invite');
  await enter('sesame', 'j3');
  const self = await carol.last((s) => s.name === 'presence' && statusCodes(s).includes('110'));
  assert.equal(self.attrs.from, `${VAULT}/Carol`);
  await carol.until(isSubject);
  assert.equal(server.core.rooms.membership(roomId, '@carol:localhost'), 'join');
  const invite = server.core.storage.events.roomEventsBefore(roomId, Number.MAX_SAFE_INTEGER, 20)
    .find((e) => e.pdu.type === 'm.room.member' && e.pdu.state_key === '@carol:localhost' && e.pdu.content.membership === 'invite');
  assert.equal(invite?.pdu.sender, '@bob:localhost', 'invited in the owner\'s name');
  assert.ok(!JSON.stringify([...server.core.rooms.head(roomId)!.state.values()]).includes('sesame'), 'the password is in no room state');
});

test('removing the password opens the room to Matrix joins again', async () => {
  assert.equal((await configure(['muc#roomconfig_passwordprotectedroom', '0'])).attrs.type, 'result');
  assert.equal(joinRule(), 'public');
  await alice.client.joinRoom('#vault:localhost');
  await until('alice joined', () => server.core.rooms.membership(roomId, '@alice:localhost') === 'join', 8000);
  assert.ok((await features()).includes('muc_unsecured'));
});

test('members-only with a password needs both; bad input: protection without a secret leaves the room open', async () => {
  assert.equal((await configure(['muc#roomconfig_passwordprotectedroom', '1'])).attrs.type, 'result');
  assert.equal(joinRule(), 'public', 'no secret: nothing closed');
  await configure(['muc#roomconfig_membersonly', '1'], ['muc#roomconfig_passwordprotectedroom', '1'], ['muc#roomconfig_roomsecret', 'sesame']);
  assert.equal(joinRule(), 'invite');
  assert.ok((await features()).includes('muc_membersonly'));
  const ally = await fx.login('alice', 'x');
  await server.core.rooms.send(roomId, { type: 'm.room.member', sender: '@alice:localhost', stateKey: '@alice:localhost', content: { membership: 'leave' } });
  await ally.send(xml('presence', { to: `${VAULT}/Ally`, id: 'm1' }, xml('x', { xmlns: NS_MUC }, xml('password', {}, 'sesame'))));
  assert.equal(errorOf(await ally.last((s) => s.attrs.id === 'm1' && s.attrs.type === 'error')), 'registration-required');
  await configure(['muc#roomconfig_passwordprotectedroom', '0']);
  assert.equal(joinRule(), 'invite', 'members-only by choice stays so');
});
