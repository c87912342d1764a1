// Invitations to users with no XMPP client online are kept (the invite events in the rooms are
// the store) and reach the client that comes online, as an offline store would deliver them: an
// invite from Element (matrix-js-sdk), a mediated and a direct (XEP-0249) invitation from an XMPP
// client (@xmpp/client); read by slixmpp's XEP-0045 plugin. Withdrawn invites and ones already
// delivered do not come again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/client';
import { loginAndSync, until, sdk, type Session } from './clients/matrix-sdk.js';
import { runPython, slixmppScript } from './clients/slixmpp.js';
import { startTestServer, type TestServer } from './harness.js';
import { NS_MUC_USER, errorOf, isSubject } from './xmpp-im-support/muc.js';
import { ImClient } from './xmpp-im-support/im-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const SCRIPT = slixmppScript('muc_offline_invite.py');
const LOBBY = 'lobby@conference.localhost';
const ATTIC = 'attic@conference.localhost';
let server: TestServer;
let alice: Session;
let carol: ImClient;
let lobbyId: string;
let atticId: string;

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'carol', 'dave', 'erin', 'frank']) await server.addUser(u);
  alice = await loginAndSync(server.matrixUrl, 'alice');
  ({ room_id: lobbyId } = await alice.client.createRoom({ room_alias_name: 'lobby', preset: sdk.Preset.PublicChat } as sdk.ICreateRoomOpts));
  ({ room_id: atticId } = await alice.client.createRoom({ room_alias_name: 'attic', preset: sdk.Preset.PrivateChat } as sdk.ICreateRoomOpts));
  carol = await ImClient.login(server.xmppPorts.starttls!, 'carol', 'secret-pw', 'test');
  await carol.join(LOBBY, 'Carol', { maxstanzas: '0' });
  await carol.until(isSubject);
});

after(async () => {
  alice?.client.stopClient();
  await carol?.stop();
  await server.destroy();
});

interface Invite { room: string; from: string; reason: string; password: string | null }
async function comeOnline(jid: string, expected: number, waitSeconds = 0.5): Promise<Invite[]> {
  const { code, stdout, stderr } = await runPython([SCRIPT, '127.0.0.1', String(server.xmppPorts.starttls), jid, 'secret-pw', String(expected), String(waitSeconds)]);
  assert.equal(code, 0, `slixmpp script failed: ${stderr}`);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(result.error, undefined, `slixmpp reported: ${result.error}\n${stderr}`);
  return result.invites;
}
const membership = (roomId: string, user: string) => server.core.rooms.membership(roomId, user);

test('invitations made while dave was offline reach his client when it comes online, once', async () => {
  await alice.client.invite(atticId, '@dave:localhost', 'the attic, from Element');
  await carol.send(xml('message', { to: LOBBY, id: 'inv-1' }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: 'dave@localhost' }, xml('reason', {}, 'the lobby, from XMPP')))));
  await until('dave is invited to both', () => membership(atticId, '@dave:localhost') === 'invite' && membership(lobbyId, '@dave:localhost') === 'invite', 8000);

  const invites = await comeOnline('dave@localhost/slix', 2);
  assert.deepEqual(invites, [
    { room: ATTIC, from: 'alice@localhost', reason: 'the attic, from Element', password: null },
    { room: LOBBY, from: 'carol@localhost', reason: 'the lobby, from XMPP', password: null },
  ]);
  // Delivered once: the next time dave comes online, nothing new is due.
  assert.deepEqual(await comeOnline('dave@localhost/again', 0), []);
});

test('a direct invitation (XEP-0249) to an offline user comes at login; a withdrawn invite does not', async () => {
  await carol.send(xml('message', { to: 'erin@localhost', id: 'dir-1' }, xml('x', { xmlns: 'jabber:x:conference', jid: LOBBY, reason: 'direct, while away' })));
  await until('erin is invited to the lobby', () => membership(lobbyId, '@erin:localhost') === 'invite', 8000);
  await alice.client.invite(atticId, '@erin:localhost');
  await until('erin is invited to the attic', () => membership(atticId, '@erin:localhost') === 'invite', 8000);
  await alice.client.kick(atticId, '@erin:localhost', 'changed my mind');
  await until('the attic invite is withdrawn', () => membership(atticId, '@erin:localhost') === 'leave', 8000);

  const invites = await comeOnline('erin@localhost/slix', 1);
  assert.deepEqual(invites, [{ room: LOBBY, from: 'carol@localhost', reason: 'direct, while away', password: null }]);
});

test('a direct invitation with a body, to an offline user, comes once at login: as the message itself', async () => {
  await carol.send(xml('message', { to: 'frank@localhost', type: 'chat', id: 'dir-2' }, xml('body', {}, 'come to the lobby'),
    xml('x', { xmlns: 'jabber:x:conference', jid: LOBBY, reason: 'with a body' })));
  await until('frank is invited to the lobby', () => membership(lobbyId, '@frank:localhost') === 'invite', 8000);
  const frank = await ImClient.login(server.xmppPorts.starttls!, 'frank', 'secret-pw', 'phone');
  try {
    await frank.send(xml('presence'));
    const direct = await frank.next((s) => s.name === 'message' && !!s.getChild('x', 'jabber:x:conference'), 'the direct invitation', 8000);
    assert.equal(direct.getChildText('body'), 'come to the lobby');
    await frank.nothing((s) => s.name === 'message' && !!s.getChild('x', NS_MUC_USER)?.getChild('invite'), 'a second, mediated invitation', 800);
  } finally {
    await frank.stop();
  }
});

test('bad input: an invitation to a malformed or unknown JID is refused, and nothing is kept for it', async () => {
  await carol.send(xml('message', { to: LOBBY, id: 'inv-bad' }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: '@@bad' }))));
  assert.equal(errorOf(await carol.last((s) => s.attrs.id === 'inv-bad' && s.attrs.type === 'error')), 'jid-malformed');
  await carol.send(xml('message', { to: LOBBY, id: 'inv-none' }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: 'nobody@localhost' }))));
  assert.equal(errorOf(await carol.last((s) => s.attrs.id === 'inv-none' && s.attrs.type === 'error')), 'item-not-found');
});
