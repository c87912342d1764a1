// XEP-0486 room avatars on the Matrix room avatar, in a room shared by Element (alice,
// matrix-js-sdk, the room's creator) and an XMPP occupant (bob, @xmpp/client): what Element sets
// is the room's vCard photo with its hash in disco#info and status 104 to occupants; an occupant
// allowed to change the avatar sets and removes it with a vCard, and Element shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sdk, until, type Session } from './clients/matrix-sdk.js';
import { http, png } from './media-support.js';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { errorOf, statusCodes } from './xmpp-im-support/muc.js';
import { xml, type ImClient, type XmlNode } from './xmpp-im-support/im-client.js';

const LOBBY = 'lobby@conference.localhost';
const VCARD = 'vcard-temp';
const DISCO = 'http://jabber.org/protocol/disco#info';
let alice: Session;
let bob: ImClient;
let roomId: string;

const fx = useXmppServer(['alice', 'bob'], {
  ready: async () => {
    alice = await fx.element('alice');
    ({ room_id: roomId } = await alice.client.createRoom({ room_alias_name: 'lobby', preset: sdk.Preset.PublicChat } as sdk.ICreateRoomOpts));
    bob = await fx.occupant('bob', LOBBY, 'Bob');
  },
});

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
async function info(to = LOBBY): Promise<{ features: string[]; hash: string | undefined }> {
  const r = await bob.iq(xml('iq', { type: 'get', to }, xml('query', { xmlns: DISCO })));
  const q = r.getChild('query', DISCO)!;
  const form = q.getChild('x', 'jabber:x:data');
  const field = form?.getChildren('field').find((f: XmlNode) => f.attrs.var === 'muc#roominfo_avatarhash');
  return { features: q.getChildren('feature').map((f: XmlNode) => f.attrs.var as string), hash: field?.getChildText('value') ?? undefined };
}
async function photo(): Promise<{ type: string | undefined; bytes: Buffer } | null> {
  const r = await bob.iq(xml('iq', { type: 'get', to: LOBBY }, xml('vCard', { xmlns: VCARD })));
  const p = r.getChild('vCard', VCARD)!.getChild('PHOTO');
  return p ? { type: p.getChildText('TYPE') ?? undefined, bytes: Buffer.from(p.getChildText('BINVAL')!, 'base64') } : null;
}
const setVcard = (...children: XmlNode[]) => bob.iqRaw('set', xml('vCard', { xmlns: VCARD }, ...children), LOBBY);
const photoEl = (type: string, b64: string) => xml('PHOTO', {}, xml('TYPE', {}, type), xml('BINVAL', {}, b64));
const roomAvatar = () => alice.client.getRoom(roomId)?.getMxcAvatarUrl() ?? null;

test('the service and the room say vcard-temp; a room without avatar has an empty vCard and no hash', async () => {
  assert.ok((await info('conference.localhost')).features.includes(VCARD));
  const room = await info();
  assert.ok(room.features.includes(VCARD));
  assert.equal(room.hash, undefined);
  assert.equal(await photo(), null);
});

test('an avatar set in Element: occupants get status 104, disco#info has its hash, the room vCard its image', async () => {
  const image = await png(32, 32);
  const { content_uri } = await alice.client.uploadContent(new Uint8Array(image), { name: 'lobby.png', type: 'image/png' });
  bob.box.length = 0;
  await alice.client.sendStateEvent(roomId, 'm.room.avatar' as never, { url: content_uri } as never, '');
  const changed = await bob.next((s) => s.name === 'message' && statusCodes(s).includes('104'), 'status 104', 8000);
  assert.equal(changed.attrs.from, LOBBY);
  assert.equal((await info()).hash, sha1(image));
  assert.deepEqual(await photo(), { type: 'image/png', bytes: image });
});

test('an occupant who may not change the avatar is refused; once allowed, his vCard photo is the avatar Element shows', async () => {
  const before = roomAvatar();
  const mine = await png(24, 24, { r: 10, g: 200, b: 30 });
  assert.equal(errorOf(await setVcard(photoEl('image/png', mine.toString('base64')))), 'forbidden');
  assert.equal(roomAvatar(), before);

  await alice.client.setPowerLevel(roomId, '@bob:localhost', 50);
  await until('bob is a moderator on Matrix', () => alice.client.getRoom(roomId)?.getMember('@bob:localhost')?.powerLevel === 50, 8000);
  assert.equal((await setVcard(photoEl('image/png', mine.toString('base64')))).attrs.type, 'result');
  await until('Element shows the new room avatar', () => roomAvatar() !== before && roomAvatar() !== null, 8000);
  const ev = alice.client.getRoom(roomId)!.currentState.getStateEvents('m.room.avatar', '')!;
  assert.equal(ev.getSender(), '@bob:localhost');
  assert.deepEqual(ev.getContent().info, { mimetype: 'image/png', size: mine.length });
  const media = await http(`${fx.server.matrixUrl}/_matrix/client/v1/media/download/localhost/${roomAvatar()!.split('/').pop()}`, { token: alice.accessToken });
  assert.ok(media.bytes.equals(mine), 'Element downloads the very image bob set');
  assert.equal((await info()).hash, sha1(mine));
});

test('bad photos are refused and change nothing; an empty vCard removes the avatar everywhere', async () => {
  const before = roomAvatar();
  assert.equal(errorOf(await setVcard(photoEl('image/png', '!!not base64!!'))), 'bad-request');
  assert.equal(errorOf(await setVcard(xml('PHOTO', {}, xml('TYPE', {}, 'image/png')))), 'bad-request');
  assert.equal(errorOf(await setVcard(photoEl('text/plain', Buffer.from('hello').toString('base64')))), 'not-acceptable');
  assert.equal(roomAvatar(), before);

  assert.equal((await setVcard()).attrs.type, 'result');
  await until('Element shows no room avatar', () => roomAvatar() === null, 8000);
  assert.equal((await info()).hash, undefined);
  assert.equal(await photo(), null);
});

test('an unknown room answers item-not-found to vCard requests', async () => {
  const r = await bob.iqRaw('get', xml('vCard', { xmlns: VCARD }), 'nowhere@conference.localhost');
  assert.equal(errorOf(r), 'item-not-found');
});
