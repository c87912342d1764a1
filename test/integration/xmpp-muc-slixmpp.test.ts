// An independent XMPP client (slixmpp's XEP-0045 plugin) in a Matrix room: disco of the room,
// join_muc_wait (roster, self-presence, history, subject in the XEP's order), a message reflected
// with its id and the room's stanza-id, and leaving. CI installs Debian's python3-slixmpp.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runPython, slixmppScript } from './clients/slixmpp.js';
import { createRoom } from '../../src/core/rooms/create-room.js';
import { startTestServer, type TestServer } from './harness.js';

const SCRIPT = slixmppScript('muc_join_talk.py');
const run = runPython;
const LOBBY = 'lobby@conference.localhost';
const CAROL = '@carol:localhost';
let server: TestServer;
let lobbyId: string;

before(async () => {
  server = await startTestServer();
  await server.addUser('carol');
  await server.addUser('erin');
  ({ roomId: lobbyId } = await createRoom(server.core.rooms, {
    creator: CAROL, preset: 'public_chat', alias: '#lobby:localhost', topic: 'Slix welcome', creatorProfile: { displayname: 'Carol' },
  }));
  server.core.storage.rooms.putAlias('#lobby:localhost', lobbyId, CAROL);
  for (const body of ['a', 'b', 'c']) await server.core.rooms.send(lobbyId, { type: 'm.room.message', sender: CAROL, content: { msgtype: 'm.text', body } });
});

after(async () => {
  await server.destroy();
});

test('slixmpp enters, talks in and leaves a Matrix room', async () => {
  const { code, stdout, stderr } = await run([SCRIPT, '127.0.0.1', String(server.xmppPorts.starttls), 'erin@localhost/slix', 'secret-pw', LOBBY, 'Erin']);
  assert.equal(code, 0, `slixmpp script failed: ${stderr}`);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(result.error, undefined, `slixmpp reported: ${result.error} (at ${result.step})\n${stderr}`);
  for (const f of ['http://jabber.org/protocol/muc', 'muc_public', 'muc_open', 'muc_nonanonymous', 'muc_persistent']) assert.ok(result.room_features.includes(f), f);
  assert.deepEqual(result.self_codes, [100, 110]);
  assert.deepEqual(result.occupants, ['Carol', 'Erin'], 'slixmpp counts its own arrival too');
  assert.deepEqual(result.history, ['b', 'c']);
  assert.equal(result.subject, 'Slix welcome');
  assert.deepEqual(result.echo, { from: `${LOBBY}/Erin`, id: 'slix-1', stanza_id_by: LOBBY });
  assert.deepEqual(result.leave_codes, [110]);
  const sent = server.core.storage.events.roomEventsBefore(lobbyId, Number.MAX_SAFE_INTEGER, 10).find((e) => e.pdu.content.body === 'hello from slixmpp');
  assert.equal(sent?.pdu.sender, '@erin:localhost');
  assert.equal(server.core.rooms.membership(lobbyId, '@erin:localhost'), 'leave');
});
