// XEP-0313 on a group chat: the archive of a room JID is the room's timeline, messages from the
// senders' occupant JIDs with their real JIDs, ids equal to the live stanza-ids (event ids);
// who may read it (the right to enter) and the room's disco feature.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRoom } from '../../src/core/rooms/create-room.js';
import { startTestServer, type TestServer } from './harness.js';
import { ImClient, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const LOBBY = 'lobby@conference.localhost';
const CAROL = '@carol:localhost';
let server: TestServer;
let alice: ImClient;
const eventIds: string[] = [];

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'carol']) await server.addUser(u, `${u}-pw`);
  const { roomId } = await createRoom(server.core.rooms, {
    creator: CAROL, preset: 'public_chat', alias: '#lobby:localhost', name: 'Lobby', creatorProfile: { displayname: 'Carol' },
  });
  server.core.storage.rooms.putAlias('#lobby:localhost', roomId, CAROL);
  for (const body of ['one', 'two', 'three']) {
    eventIds.push((await server.core.rooms.send(roomId, { type: 'm.room.message', sender: CAROL, content: { msgtype: 'm.text', body } })).eventId);
  }
  const { roomId: secretId } = await createRoom(server.core.rooms, { creator: CAROL, preset: 'private_chat', alias: '#secret:localhost', name: 'Secret' });
  server.core.storage.rooms.putAlias('#secret:localhost', secretId, CAROL);
  await server.core.rooms.send(secretId, { type: 'm.room.message', sender: CAROL, content: { msgtype: 'm.text', body: 'hush' } });
  alice = await ImClient.login(server.xmppPorts.starttls!, 'alice', 'alice-pw', 'r');
});
after(async () => {
  await alice.stop();
  await server.destroy();
});

let n = 0;
async function query(to: string, rsm: XmlNode[] = []): Promise<{ iq: XmlNode; results: XmlNode[] }> {
  const queryid = `m${++n}`;
  const iq = await alice.iqRaw('set', xml('query', { xmlns: NS_MAM, queryid }, ...(rsm.length ? [xml('set', { xmlns: NS_RSM }, ...rsm)] : [])), to);
  const results = alice.box.filter((m) => m.getChild('result', NS_MAM)?.attrs.queryid === queryid);
  return { iq, results };
}
const inner = (m: XmlNode) => m.getChild('result', NS_MAM).getChild('forwarded', 'urn:xmpp:forward:0').getChild('message');
const condition = (el: XmlNode) => el.getChild('error')?.children.find((c: XmlNode | string) => typeof c !== 'string')?.name;

test('a public room archive read by a non-occupant: occupant JIDs, real JIDs, event ids', async () => {
  const { iq, results } = await query(LOBBY);
  assert.equal(iq.attrs.type, 'result');
  assert.deepEqual(results.map((m) => inner(m).getChildText('body')), ['one', 'two', 'three']);
  const first = results[0]!;
  assert.equal(first.attrs.from, LOBBY);
  assert.equal(first.getChild('result', NS_MAM).attrs.id, eventIds[0]);
  const msg = inner(first);
  assert.equal(msg.attrs.from, `${LOBBY}/Carol`);
  assert.equal(msg.attrs.to, undefined);
  assert.equal(msg.attrs.type, 'groupchat');
  assert.equal(msg.getChild('x', 'http://jabber.org/protocol/muc#user').getChild('item').attrs.jid, 'carol@localhost');
  assert.equal(msg.getChild('stanza-id', 'urn:xmpp:sid:0').attrs.by, LOBBY);

  const last = await query(LOBBY, [xml('max', {}, '2'), xml('before')]);
  assert.deepEqual(last.results.map((m) => inner(m).getChildText('body')), ['two', 'three']);
  assert.equal(last.iq.getChild('fin', NS_MAM).getChild('set', NS_RSM).getChildText('first'), eventIds[1]);
});

test('who may read: not a private room one is not in; no archive for a room that does not exist', async () => {
  assert.equal(condition((await query('secret@conference.localhost')).iq), 'forbidden');
  assert.equal(condition((await query('nowhere@conference.localhost')).iq), 'item-not-found');
  assert.equal(condition((await query(LOBBY, [xml('after', {}, '$unknown')])).iq), 'item-not-found');
});

test('the room advertises MAM and serves the query form', async () => {
  const info = await alice.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), LOBBY);
  const features = info.getChild('query').getChildren('feature').map((f: XmlNode) => f.attrs.var);
  assert.ok(features.includes(NS_MAM));
  assert.ok(features.includes('urn:xmpp:message-retract:1#tombstone'), 'XEP-0424 §4: the room archive has tombstones');
  const form = await alice.iqRaw('get', xml('query', { xmlns: NS_MAM }), LOBBY);
  assert.ok(form.getChild('query', NS_MAM).getChild('x', 'jabber:x:data'));
});

test('a subject change is archived too (XEP-0313 §6.2), from the setter\'s occupant JID', async () => {
  const roomId = server.core.storage.rooms.getAlias('#lobby:localhost')!;
  const { eventId } = await server.core.rooms.send(roomId, { type: 'm.room.topic', sender: CAROL, stateKey: '', content: { topic: 'Cake at four' } });
  const { results } = await query(LOBBY, [xml('max', {}, '1'), xml('before')]);
  assert.equal(results.length, 1);
  assert.equal(results[0]!.getChild('result', NS_MAM).attrs.id, eventId);
  const msg = inner(results[0]!);
  assert.equal(msg.getChildText('subject'), 'Cake at four');
  assert.equal(msg.attrs.from, `${LOBBY}/Carol`);
  assert.ok(!msg.getChild('body'));
});
