// Moderation across the two protocols in one room: a kick from Element reaches the XMPP occupant
// as 307 with actor and reason; an admin made in Element kicks and bans through muc#admin and the
// Element user sees a Matrix kick and ban by that user. slixmpp's XEP-0045 plugin kicks and bans
// as an independent client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/client';
import { loginAndSync, until, sdk, type Session } from './clients/matrix-sdk.js';
import { runPython, slixmppScript } from './clients/slixmpp.js';
import { startTestServer, type TestServer } from './harness.js';
import { MucClient, NS_MUC_USER, errorOf, isSubject, statusCodes } from './xmpp-muc-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const LOBBY = 'lobby@conference.localhost';
const ADMIN = 'http://jabber.org/protocol/muc#admin';
let server: TestServer;
let alice: Session;
let bob: MucClient;
let dave: MucClient;
let roomId: string;

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'bob', 'dave', 'olga', 'pete', 'cam', 'fay', 'gus']) await server.addUser(u);
  alice = await loginAndSync(server.matrixUrl, 'alice');
  ({ room_id: roomId } = await alice.client.createRoom({ room_alias_name: 'lobby', preset: sdk.Preset.PublicChat, name: 'Lobby' } as sdk.ICreateRoomOpts));
  bob = await MucClient.connect(server.xmppPorts.starttls!, 'bob', 'secret-pw');
  dave = await MucClient.connect(server.xmppPorts.starttls!, 'dave', 'secret-pw');
});

after(async () => {
  alice?.client.stopClient();
  await bob?.stop();
  await dave?.stop();
  await server.destroy();
});

const member = (mxid: string) => alice.client.getRoom(roomId)?.getMember(mxid);
const item = (s: ReturnType<MucClient['got']['at']>) => s!.getChild('x', NS_MUC_USER)!.getChild('item')!;

test('a kick from Element: the XMPP occupant sees 307 with the actor and the reason', async () => {
  await bob.join(LOBBY, 'Bob');
  await bob.until(isSubject);
  await until('alice sees bob', () => member('@bob:localhost')?.membership === 'join');
  await alice.client.kick(roomId, '@bob:localhost', 'too loud');
  const self = await bob.last((s) => s.attrs.type === 'unavailable' && s.attrs.from === `${LOBBY}/Bob`);
  assert.deepEqual(statusCodes(self), ['110', '307']);
  assert.equal(item(self).getChild('actor')?.attrs.nick, 'alice');
  assert.equal(item(self).getChildText('reason'), 'too loud');
});

test('an admin made in Element kicks and bans from XMPP; Element sees the kick and ban by bob', async () => {
  await bob.join(LOBBY, 'Bob');
  await bob.until(isSubject);
  await dave.join(LOBBY, 'Dave');
  await dave.until(isSubject);
  await until('alice sees bob and dave', () => member('@bob:localhost')?.membership === 'join' && member('@dave:localhost')?.membership === 'join');
  await alice.client.setPowerLevel(roomId, '@bob:localhost', 50);
  const promoted = await bob.last((s) => s.attrs.from === `${LOBBY}/Bob` && item(s).attrs.affiliation === 'admin');
  assert.equal(item(promoted).attrs.role, 'moderator');

  // Bob may not touch the owner: not-allowed, and nothing changes on Matrix.
  await bob.send(xml('iq', { type: 'set', to: LOBBY, id: 'k0' }, xml('query', { xmlns: ADMIN }, xml('item', { nick: 'alice', role: 'none' }))));
  assert.equal(errorOf(await bob.last((s) => s.attrs.id === 'k0')), 'not-allowed');
  assert.equal(member('@alice:localhost')?.membership, 'join');

  await bob.send(xml('iq', { type: 'set', to: LOBBY, id: 'k1' }, xml('query', { xmlns: ADMIN }, xml('item', { nick: 'Dave', role: 'none' }, xml('reason', {}, 'off topic')))));
  assert.equal((await bob.last((s) => s.attrs.id === 'k1')).attrs.type, 'result');
  assert.deepEqual(statusCodes(await dave.last((s) => s.attrs.type === 'unavailable')), ['110', '307']);
  await until('Element sees dave kicked by bob', () => member('@dave:localhost')?.membership === 'leave');
  const kick = member('@dave:localhost')!.events.member!;
  assert.equal(kick.getSender(), '@bob:localhost');
  assert.equal(kick.getContent().reason, 'off topic');

  await bob.send(xml('iq', { type: 'set', to: LOBBY, id: 'b1' }, xml('query', { xmlns: ADMIN }, xml('item', { jid: 'dave@localhost', affiliation: 'outcast' }, xml('reason', {}, 'again')))));
  assert.equal((await bob.last((s) => s.attrs.id === 'b1')).attrs.type, 'result');
  await until('Element sees dave banned', () => member('@dave:localhost')?.membership === 'ban');
  assert.equal(member('@dave:localhost')!.events.member!.getSender(), '@bob:localhost');
  dave.got.length = 0;
  await dave.join(LOBBY, 'Dave');
  assert.equal(errorOf(await dave.last((s) => s.name === 'presence' && s.attrs.type === 'error')), 'forbidden');
});

test('slixmpp kicks, bans and invites with its XEP-0045 plugin', async () => {
  const { code, stdout, stderr } = await runPython([slixmppScript('muc_moderate.py'), '127.0.0.1', String(server.xmppPorts.starttls),
    'den@conference.localhost', 'secret-pw', 'olga@localhost/slix', 'pete@localhost/slix', 'cam@localhost/slix']);
  assert.equal(code, 0, `slixmpp script failed: ${stderr}`);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(result.error, undefined, `slixmpp reported: ${result.error} (at ${result.step})\n${stderr}`);
  assert.deepEqual(result.kick, { codes: [110, 307], reason: 'Avaunt', actor: 'Boss', role: 'none' });
  assert.deepEqual(result.ban, { codes: [110, 301], reason: 'Treason', affiliation: 'outcast' });
  assert.deepEqual(result.outcasts, ['cam@localhost']);
  assert.equal(result.forbidden, 'forbidden');
  assert.deepEqual(result.invite, { from: 'den@conference.localhost', inviter: 'olga@localhost', reason: 'come back' });
  const den = server.core.storage.rooms.getAlias('#den:localhost')!;
  assert.equal(server.core.rooms.membership(den, '@cam:localhost'), 'ban');
  assert.equal(server.core.rooms.membership(den, '@pete:localhost'), 'invite');
});

test('invitations both ways: an XMPP invite is a Matrix invite by the inviter; an Element invite reaches the XMPP client', async () => {
  const fay = await MucClient.connect(server.xmppPorts.starttls!, 'fay', 'secret-pw');
  try {
    await bob.send(xml('message', { to: LOBBY, id: 'inv1' }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: 'gus@localhost' }, xml('reason', {}, 'join us')))));
    await until('Element sees gus invited by bob', () => member('@gus:localhost')?.membership === 'invite');
    assert.equal(member('@gus:localhost')!.events.member!.getSender(), '@bob:localhost');
    await alice.client.invite(roomId, '@fay:localhost', 'tea?');
    const inv = await fay.last((s) => s.name === 'message' && !!s.getChild('x', NS_MUC_USER)?.getChild('invite'));
    assert.equal(inv.attrs.from, LOBBY);
    assert.equal(inv.getChild('x', NS_MUC_USER)!.getChild('invite')!.attrs.from, 'alice@localhost');
    assert.equal(inv.getChild('x', NS_MUC_USER)!.getChild('invite')!.getChildText('reason'), 'tea?');
  } finally {
    await fay.stop();
  }
});
