// XEP-0045 end to end with a real client library (@xmpp/client): a Matrix room with the alias
// #lobby:localhost entered as lobby@conference.localhost, messages both ways, leaving, errors,
// and creating a room from XMPP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/client';
import { createRoom } from '../../src/core/rooms/create-room.js';
import { startTestServer, type TestServer } from './harness.js';
import { NS_MUC_USER, errorOf, isSubject, statusCodes } from './xmpp-im-support/muc.js';
import { ImClient } from './xmpp-im-support/im-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const LOBBY = 'lobby@conference.localhost';
const CAROL = '@carol:localhost';
let server: TestServer;
let lobbyId: string;
const clients: ImClient[] = [];

async function connect(user: string, resource = 'test'): Promise<ImClient> {
  const c = await ImClient.login(server.xmppPorts.starttls!, user, 'secret-pw', resource);
  clients.push(c);
  return c;
}

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'bob', 'carol', 'dave']) await server.addUser(u);
  // A room made on the Matrix side, with a little history.
  ({ roomId: lobbyId } = await createRoom(server.core.rooms, {
    creator: CAROL, preset: 'public_chat', alias: '#lobby:localhost', name: 'Lobby', topic: 'All welcome', creatorProfile: { displayname: 'Carol' },
  }));
  server.core.storage.rooms.putAlias('#lobby:localhost', lobbyId, CAROL);
  for (const body of ['one', 'two', 'three']) {
    await server.core.rooms.send(lobbyId, { type: 'm.room.message', sender: CAROL, content: { msgtype: 'm.text', body } });
  }
});

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await server.destroy();
});

test('two XMPP users in a Matrix room: roster, history, subject, messages both ways, leaving', async () => {
  const alice = await connect('alice');
  await alice.join(LOBBY, 'Alice');
  const burst = await alice.until(isSubject);
  const presences = burst.filter((s) => s.name === 'presence');
  assert.deepEqual(presences.map((p) => p.attrs.from), [`${LOBBY}/Carol`, `${LOBBY}/Alice`], 'others first, self last');
  const carolItem = presences[0]!.getChild('x', NS_MUC_USER).getChild('item');
  assert.deepEqual([carolItem.attrs.affiliation, carolItem.attrs.role, carolItem.attrs.jid], ['owner', 'moderator', 'carol@localhost']);
  assert.deepEqual(statusCodes(presences[1]!), ['100', '110']);
  const history = burst.filter((s) => s.name === 'message' && s.getChild('body'));
  assert.deepEqual(history.map((m) => m.getChild('body').text()), ['one', 'two', 'three']);
  for (const m of history) {
    assert.equal(m.attrs.from, `${LOBBY}/Carol`);
    assert.equal(m.getChild('delay', 'urn:xmpp:delay').attrs.from, LOBBY);
  }
  assert.equal(burst[burst.length - 1]!.getChild('subject').text(), 'All welcome');

  const bob = await connect('bob');
  await bob.join(LOBBY, 'Bob', { maxstanzas: '0' });
  const bobBurst = await bob.until(isSubject);
  assert.deepEqual(bobBurst.filter((s) => s.name === 'presence').map((p) => p.attrs.from), [`${LOBBY}/Alice`, `${LOBBY}/Carol`, `${LOBBY}/Bob`]);
  assert.equal(bobBurst.filter((s) => s.getChild('body')).length, 0);
  const bobArrives = await alice.last((s) => s.attrs.from === `${LOBBY}/Bob`);
  assert.equal(bobArrives.getChild('x', NS_MUC_USER).getChild('item').attrs.jid, 'bob@localhost/test');

  // XMPP -> everyone, including the sender (same id, stanza-id = the event).
  await alice.say(LOBBY, 'hi from xmpp', 'a-1');
  const echo = await alice.last((s) => s.getChild('body')?.text() === 'hi from xmpp');
  const atBob = await bob.last((s) => s.getChild('body')?.text() === 'hi from xmpp');
  for (const m of [echo, atBob]) {
    assert.equal(m.attrs.from, `${LOBBY}/Alice`);
    assert.equal(m.attrs.id, 'a-1');
    assert.equal(m.attrs.type, 'groupchat');
  }
  const eventId = echo.getChild('stanza-id', 'urn:xmpp:sid:0').attrs.id!;
  assert.equal(server.core.storage.events.getEvent(eventId)!.pdu.sender, '@alice:localhost');

  // Matrix -> XMPP.
  await server.core.rooms.send(lobbyId, { type: 'm.room.message', sender: CAROL, content: { msgtype: 'm.text', body: 'hi from matrix' } });
  const fromMatrix = await bob.last((s) => s.getChild('body')?.text() === 'hi from matrix');
  assert.equal(fromMatrix.attrs.from, `${LOBBY}/Carol`);

  // Leaving: self-presence 110 unavailable, the other occupant sees it, the Matrix membership is left.
  await bob.send(xml('presence', { to: `${LOBBY}/Bob`, type: 'unavailable' }));
  const gone = await bob.last((s) => s.name === 'presence' && s.attrs.type === 'unavailable');
  assert.deepEqual(statusCodes(gone), ['110']);
  await alice.until((s) => s.attrs.from === `${LOBBY}/Bob` && s.attrs.type === 'unavailable');
  for (let i = 0; i < 100 && server.core.rooms.membership(lobbyId, '@bob:localhost') !== 'leave'; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(server.core.rooms.membership(lobbyId, '@bob:localhost'), 'leave');
});

test('nick conflicts and messages from non-occupants are refused', async () => {
  const dave = await connect('dave');
  await dave.join(LOBBY, 'Carol');
  const conflict = await dave.last((s) => s.attrs.type === 'error');
  assert.equal(errorOf(conflict), 'conflict');
  assert.equal(conflict.attrs.from, `${LOBBY}/Carol`);
  await dave.say(LOBBY, 'let me in', 'd-1');
  assert.equal(errorOf(await dave.last((s) => s.attrs.id === 'd-1')), 'not-acceptable');
  await dave.say('nowhere@conference.localhost', 'anyone?', 'd-2');
  assert.equal(errorOf(await dave.last((s) => s.attrs.id === 'd-2')), 'item-not-found');
  await dave.send(xml('presence', { to: LOBBY }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  assert.equal(errorOf(await dave.last((s) => s.attrs.type === 'error')), 'jid-malformed');
});

test('a room created from XMPP is a public Matrix room with the alias (201, instant room)', async () => {
  const alice = await connect('alice', 'creator');
  await alice.join('garden@conference.localhost', 'Alice');
  const self = await alice.last((s) => statusCodes(s).includes('110'));
  assert.deepEqual(statusCodes(self), ['100', '110', '201']);
  assert.equal(self.getChild('x', NS_MUC_USER).getChild('item').attrs.affiliation, 'owner');
  const result = await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: 'garden@conference.localhost' },
    xml('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' }))));
  assert.equal(result.attrs.type, 'result');
  const roomId = server.core.storage.rooms.getAlias('#garden:localhost');
  assert.ok(roomId);
  assert.equal(server.core.rooms.stateContent(roomId, 'm.room.join_rules')?.join_rule, 'public');
  assert.equal(server.core.rooms.membership(roomId, '@alice:localhost'), 'join');
  const items = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: 'conference.localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })));
  const jids = items.getChild('query').getChildren('item').map((i) => i.attrs.jid).sort();
  assert.deepEqual(jids, ['garden@conference.localhost', LOBBY]);
});
