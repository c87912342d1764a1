// Moderation across the two protocols in one room: a kick from Element reaches the XMPP occupant
// as 307 with actor and reason; an admin made in Element kicks and bans through muc#admin and the
// Element user sees a Matrix kick and ban by that user. slixmpp's XEP-0045 plugin kicks and bans
// as an independent client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/client';
import { until, sdk, type Session } from './clients/matrix-sdk.js';
import { runPython, slixmppScript } from './clients/slixmpp.js';
import type { TestServer } from './harness.js';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { NS_MUC_USER, errorOf, isSubject, statusCodes } from './xmpp-im-support/muc.js';
import type { ImClient, XmlNode } from './xmpp-im-support/im-client.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const LOBBY = 'lobby@conference.localhost';
const ADMIN = 'http://jabber.org/protocol/muc#admin';
let server: TestServer;
let alice: Session;
let bob: ImClient;
let dave: ImClient;
let roomId: string;

// One password for all: the slixmpp script logs its three users in with it.
const fx = useXmppServer(['alice', 'bob', 'dave', 'olga', 'pete', 'cam', 'fay', 'gus'], {
  password: 'secret-pw',
  ready: async (s) => {
    server = s;
    alice = await fx.element('alice');
    ({ room_id: roomId } = await alice.client.createRoom({ room_alias_name: 'lobby', preset: sdk.Preset.PublicChat, name: 'Lobby' } as sdk.ICreateRoomOpts));
    bob = await fx.login('bob');
    dave = await fx.login('dave');
  },
});

const member = (mxid: string) => alice.client.getRoom(roomId)?.getMember(mxid);
const item = (s: XmlNode | undefined) => s!.getChild('x', NS_MUC_USER)!.getChild('item')!;

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
  dave.box.length = 0;
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
  const fay = await fx.login('fay');
  await bob.send(xml('message', { to: LOBBY, id: 'inv1' }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: 'gus@localhost' }, xml('reason', {}, 'join us')))));
  await until('Element sees gus invited by bob', () => member('@gus:localhost')?.membership === 'invite');
  assert.equal(member('@gus:localhost')!.events.member!.getSender(), '@bob:localhost');
  await alice.client.invite(roomId, '@fay:localhost', 'tea?');
  const inv = await fay.last((s) => s.name === 'message' && !!s.getChild('x', NS_MUC_USER)?.getChild('invite'));
  assert.equal(inv.attrs.from, LOBBY);
  assert.equal(inv.getChild('x', NS_MUC_USER)!.getChild('invite')!.attrs.from, 'alice@localhost');
  assert.equal(inv.getChild('x', NS_MUC_USER)!.getChild('invite')!.getChildText('reason'), 'tea?');
});

const RETRACT = 'urn:xmpp:message-retract:1';
const MODERATE = 'urn:xmpp:message-moderate:1';
const timelineEvent = (body: string) => alice.client.getRoom(roomId)?.getLiveTimeline().getEvents().find((e) => e.getContent().body === body);

test('XEP-0425 and XEP-0424 are Matrix redactions both ways; occupant ids are on every message', async () => {
  // bob is an admin (power 50, the redact level) from the test above.
  await alice.client.sendTextMessage(roomId, 'spam from alice');
  const seen = await bob.last((s) => s.getChild('body')?.text() === 'spam from alice');
  const aliceOid = seen.getChild('occupant-id', 'urn:xmpp:occupant-id:0')?.attrs.id;
  assert.ok(aliceOid && !aliceOid.includes('alice'));
  const id = seen.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id!;
  await bob.send(xml('iq', { type: 'set', to: LOBBY, id: 'mod1' }, xml('moderate', { xmlns: MODERATE, id }, xml('retract', { xmlns: RETRACT }), xml('reason', {}, 'spam'))));
  // XEP-0425 §3.1: the moderation goes to the occupants, then the result to the moderator.
  const moderation = await bob.last((s) => s.getChild('retract', RETRACT)?.attrs.id === id);
  assert.equal((await bob.last((s) => s.attrs.id === 'mod1')).attrs.type, 'result');
  assert.equal(moderation.getChild('retract', RETRACT)!.getChild('moderated', MODERATE)!.attrs.by, `${LOBBY}/Bob`);
  await until('Element shows the message redacted by bob', () => alice.client.getRoom(roomId)?.findEventById(id)?.isRedacted() === true);
  assert.equal(alice.client.getRoom(roomId)!.findEventById(id)!.getUnsigned().redacted_because?.sender, '@bob:localhost');

  // Bob retracts his own message (XEP-0424): Element shows it redacted by bob himself.
  await bob.say(LOBBY, 'oops', 'oops-1');
  const mine = await bob.last((s) => s.getChild('body')?.text() === 'oops');
  const mineId = mine.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id!;
  await bob.send(xml('message', { to: LOBBY, type: 'groupchat', id: 'r-1' }, xml('retract', { xmlns: RETRACT, id: mineId }), xml('body', {}, '/me retracted a message')));
  await until('Element shows bob\'s message redacted', () => alice.client.getRoom(roomId)?.findEventById(mineId)?.isRedacted() === true);
  assert.ok(!timelineEvent('/me retracted a message'), 'the fallback body is not a message');

  // Alice redacts bob's message in Element: bob sees a moderation by alice.
  await bob.say(LOBBY, 'meh', 'meh-1');
  const meh = await bob.last((s) => s.getChild('body')?.text() === 'meh');
  const mehId = meh.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id!;
  await alice.client.redactEvent(roomId, mehId, undefined, { reason: 'no' });
  const fromElement = await bob.last((s) => s.getChild('retract', RETRACT)?.attrs.id === mehId);
  assert.equal(fromElement.attrs.from, LOBBY);
  assert.equal(fromElement.getChild('retract', RETRACT)!.getChild('moderated', MODERATE)!.attrs.by, `${LOBBY}/alice`);
  assert.equal(fromElement.getChild('retract', RETRACT)!.getChildText('reason'), 'no');
});

test('destroying a room from XMPP: the Element user is removed and the room is closed', async () => {
  const RUIN = 'ruin@conference.localhost';
  await bob.join(RUIN, 'Bob');
  await bob.until(isSubject);
  const ruinId = server.core.storage.rooms.getAlias('#ruin:localhost')!;
  await alice.client.joinRoom('#ruin:localhost');
  await bob.last((s) => s.attrs.from === `${RUIN}/alice`);
  await bob.send(xml('iq', { type: 'set', to: RUIN, id: 'boom' }, xml('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, xml('destroy', {}, xml('reason', {}, 'done here')))));
  const gone = await bob.last((s) => s.attrs.type === 'unavailable' && s.attrs.from === `${RUIN}/Bob`);
  assert.equal(gone.getChild('x', NS_MUC_USER)!.getChild('destroy')!.getChildText('reason'), 'done here');
  assert.equal((await bob.last((s) => s.attrs.id === 'boom')).attrs.type, 'result');
  await until('Element sees alice removed', () => alice.client.getRoom(ruinId)?.getMyMembership() === 'leave');
  const kick = alice.client.getRoom(ruinId)!.getMember('@alice:localhost')!.events.member!;
  assert.deepEqual([kick.getSender(), kick.getContent().reason], ['@bob:localhost', 'done here']);
  assert.equal(server.core.rooms.stateContent(ruinId, 'm.room.join_rules')?.join_rule, 'invite');
  await assert.rejects(alice.client.joinRoom(ruinId));
});
