// Voice requests (XEP-0045 §7.13, §8.6) in a moderated room made in Element: a visitor on
// slixmpp asks for voice with its plugin's request_voice, a moderator on @xmpp/client gets the
// approval form and submits it, the visitor becomes a participant, and Element (matrix-js-sdk)
// shows the power level it was given: the room's level for messages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type XmlNode } from '@xmpp/client';
import { loginAndSync, until, sdk, type Session } from './clients/matrix-sdk.js';
import { runPython, slixmppScript } from './clients/slixmpp.js';
import { startTestServer, type TestServer } from './harness.js';
import { errorOf, isSubject } from './xmpp-im-support/muc.js';
import { ImClient } from './xmpp-im-support/im-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const SCRIPT = slixmppScript('muc_voice.py');
const LOBBY = 'lobby@conference.localhost';
const DATA = 'jabber:x:data';
let server: TestServer;
let alice: Session;
let bob: ImClient;
let roomId: string;

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'bob', 'erin']) await server.addUser(u);
  alice = await loginAndSync(server.matrixUrl, 'alice');
  ({ room_id: roomId } = await alice.client.createRoom({
    room_alias_name: 'lobby', preset: sdk.Preset.PublicChat,
    // Moderated (messages need 10), and moderators (50) may change power levels, so they can grant voice.
    power_level_content_override: { events_default: 10, events: { 'm.room.power_levels': 50 }, users: { '@alice:localhost': 100, '@bob:localhost': 50 } },
  } as sdk.ICreateRoomOpts));
  bob = await ImClient.login(server.xmppPorts.starttls!, 'bob', 'secret-pw', 'test');
  await bob.join(LOBBY, 'Bob', { maxstanzas: '0' });
  await bob.until(isSubject);
});

after(async () => {
  alice?.client.stopClient();
  await bob?.stop();
  await server.destroy();
});

const formFields = (m: XmlNode) => new Map(m.getChild('x', DATA)!.getChildren('field').map((f) => [f.attrs.var as string, f.getChildText('value')]));

test('a slixmpp visitor asks for voice, the moderator approves the form, Element shows the new power level', async () => {
  const visitor = runPython([SCRIPT, '127.0.0.1', String(server.xmppPorts.starttls), 'erin@localhost/slix', 'secret-pw', LOBBY, 'Erin']);
  const approval = await bob.last((s) => s.name === 'message' && !!s.getChild('x', DATA), 10000);
  assert.equal(approval.attrs.from, LOBBY);
  assert.equal(approval.getChild('x', DATA)!.attrs.type, 'form');
  const fields = formFields(approval);
  assert.equal(fields.get('FORM_TYPE'), 'http://jabber.org/protocol/muc#request');
  assert.equal(fields.get('muc#roomnick'), 'Erin');
  assert.equal(fields.get('muc#jid'), 'erin@localhost/slix');
  assert.equal(fields.get('muc#request_allow'), 'false');
  await bob.send(xml('message', { to: LOBBY, id: approval.attrs.id }, xml('x', { xmlns: DATA, type: 'submit' },
    ...[...fields].map(([v, value]) => xml('field', { var: v }, xml('value', {}, v === 'muc#request_allow' ? 'true' : value ?? ''))))));

  const { code, stdout, stderr } = await visitor;
  assert.equal(code, 0, `slixmpp script failed: ${stderr}`);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(result.error, undefined, `slixmpp reported: ${result.error} (at ${result.step})\n${stderr}`);
  assert.deepEqual([result.role_before, result.role_after], ['visitor', 'participant']);
  await until('Element shows erin at the message level', () =>
    alice.client.getRoom(roomId)?.currentState.getStateEvents('m.room.power_levels', '')?.getContent().users?.['@erin:localhost'] === 10, 8000);
});

test('bad input: a voice request from outside the room, and an approval form that is not submitted', async () => {
  const out = await ImClient.login(server.xmppPorts.starttls!, 'erin', 'secret-pw', 'outside');
  try {
    await out.send(xml('message', { to: LOBBY, id: 'vr-out' }, xml('x', { xmlns: DATA, type: 'submit' },
      xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/muc#request')),
      xml('field', { var: 'muc#role' }, xml('value', {}, 'participant')))));
    assert.equal(errorOf(await out.last((s) => s.attrs.id === 'vr-out' && s.attrs.type === 'error')), 'not-acceptable');
  } finally {
    await out.stop();
  }
  await bob.send(xml('message', { to: LOBBY, id: 'vr-bad' }, xml('x', { xmlns: DATA, type: 'form' },
    xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/muc#request')))));
  assert.equal(errorOf(await bob.last((s) => s.attrs.id === 'vr-bad' && s.attrs.type === 'error')), 'bad-request');
});
