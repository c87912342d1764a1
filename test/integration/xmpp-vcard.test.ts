// XEP-0054 vCards kept in step with the Matrix profile, over a real client and raw HTTP:
// NICKNAME -> displayname (and the member events of joined rooms), displayname -> vCard,
// PHOTO -> XEP-0084 nodes and the XEP-0153 hash in presence, XEP-0084 -> PHOTO, and refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { matrixFetch, v3, enc } from './matrix-fetch.js';
import { ImClient, isPresence, xml, type XmlNode } from './xmpp-im-support/im-client.js';
import { befriend, conditions, isEvent, items, NS_PUBSUB, onlineWithCaps, publish } from './xmpp-pep-support.js';

const http = matrixFetch(() => fx.server.matrixUrl);
const NS_VCARD = 'vcard-temp';

const fx = useXmppServer(['alice', 'bob']);

const login = (user: string, resource = 'vc') => fx.login(user, resource);

const vcard = (...children: XmlNode[]) => xml('vCard', { xmlns: NS_VCARD }, ...children);
const getVcard = async (c: ImClient, to?: string) => (await c.iq(xml('iq', to ? { type: 'get', to } : { type: 'get' }, vcard()))).getChild('vCard', NS_VCARD);

test('a vCard nickname set over XMPP is the Matrix displayname, member events included', async () => {
  const token = (await http.login('alice', 'alice-pw')).json.access_token as string;
  const room = await http.ok('POST', `${v3}/createRoom`, { token, body: { name: 'club' } });
  const alice = await login('alice');
  await alice.iq(xml('iq', { type: 'set' }, vcard(xml('FN', {}, 'Alice Liddell'), xml('NICKNAME', {}, 'Ally'), xml('EMAIL', {}, xml('USERID', {}, 'a@example.org')))));
  const profile = await http.ok('GET', `${v3}/profile/${enc('@alice:localhost')}`, { token });
  assert.equal(profile.displayname, 'Ally');
  const member = await http.ok('GET', `${v3}/rooms/${enc(room.room_id)}/state/m.room.member/${enc('@alice:localhost')}`, { token });
  assert.equal(member.displayname, 'Ally');
  // The rest of the vCard is kept as written.
  const back = await getVcard(alice);
  assert.equal(back.getChildText('FN'), 'Alice Liddell');
  assert.equal(back.getChild('EMAIL').getChildText('USERID'), 'a@example.org');
});

test('a displayname set over Matrix is the nickname in the vCard others read', async () => {
  const token = (await http.login('alice', 'alice-pw')).json.access_token as string;
  await http.ok('PUT', `${v3}/profile/${enc('@alice:localhost')}/displayname`, { token, body: { displayname: 'Alice of Wonderland' } });
  const bob = await login('bob');
  const seen = await getVcard(bob, 'alice@localhost');
  assert.equal(seen.getChildText('NICKNAME'), 'Alice of Wonderland');
  assert.equal(seen.getChildText('FN'), 'Alice Liddell');
});

test('a vCard photo becomes the XEP-0084 avatar and the XEP-0153 hash in presence', async () => {
  const alice = await login('alice', 'photo');
  const png = Buffer.from('not really a png, but bytes all the same');
  const sha1 = createHash('sha1').update(png).digest('hex');
  await alice.iq(xml('iq', { type: 'set' }, vcard(xml('NICKNAME', {}, 'Ally'), xml('PHOTO', {}, xml('TYPE', {}, 'image/png'), xml('BINVAL', {}, png.toString('base64'))))));
  const meta = await alice.iq(xml('iq', { type: 'get' }, items('urn:xmpp:avatar:metadata')));
  const info = meta.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item').getChild('metadata', 'urn:xmpp:avatar:metadata').getChild('info');
  assert.equal(info.attrs.id, sha1);
  assert.equal(info.attrs.bytes, String(png.length));
  const data = await alice.iq(xml('iq', { type: 'get' }, items('urn:xmpp:avatar:data', {}, sha1)));
  assert.equal(data.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item').getChildText('data'), png.toString('base64'));
  await alice.send(xml('presence'));
  const own = await alice.next(isPresence(alice.jid), 'own presence');
  assert.equal(own.getChild('x', 'vcard-temp:x:update').getChildText('photo'), sha1);
  // The same picture is the Matrix avatar, served from the media store.
  const token = (await http.login('alice', 'alice-pw')).json.access_token as string;
  const url = (await http.ok('GET', `${v3}/profile/${enc('@alice:localhost')}`, { token })).avatar_url as string;
  assert.match(url, /^mxc:\/\/localhost\//);
  const media = await fetch(`${fx.server.matrixUrl}/_matrix/client/v1/media/download/localhost/${url.split('/').pop()}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(media.status, 200);
  assert.deepEqual(Buffer.from(await media.arrayBuffer()), png);
});

test('an avatar set over Matrix becomes the vCard photo and the XEP-0084 avatar; removing it removes both', async () => {
  const token = (await http.login('bob', 'bob-pw')).json.access_token as string;
  const picture = Buffer.from('a matrix avatar picture');
  const up = await fetch(`${fx.server.matrixUrl}/_matrix/media/v3/upload`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/webp' }, body: new Blob([picture]),
  });
  assert.equal(up.status, 200);
  const mxc = (await up.json() as { content_uri: string }).content_uri;
  await http.ok('PUT', `${v3}/profile/${enc('@bob:localhost')}/avatar_url`, { token, body: { avatar_url: mxc } });
  const bob = await login('bob', 'matrix-avatar');
  const v = await getVcard(bob);
  assert.equal(v.getChild('PHOTO').getChildText('TYPE'), 'image/webp');
  assert.equal(v.getChild('PHOTO').getChildText('BINVAL'), picture.toString('base64'));
  const meta = await bob.iq(xml('iq', { type: 'get' }, items('urn:xmpp:avatar:metadata')));
  const sha1 = createHash('sha1').update(picture).digest('hex');
  assert.equal(meta.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item').attrs.id, sha1);
  // The Matrix avatar stays the uploaded one: nothing was copied back.
  assert.equal((await http.ok('GET', `${v3}/profile/${enc('@bob:localhost')}`, { token })).avatar_url, mxc);
  await http.ok('DELETE', `${v3}/profile/${enc('@bob:localhost')}/avatar_url`, { token });
  assert.equal((await getVcard(bob)).getChild('PHOTO'), undefined);
});

test('a contact subscribed to avatars (+notify) gets alice\'s new Matrix avatar at once, without asking', async () => {
  befriend(fx.server, 'alice', 'bob');
  const watcher = fx.track(await onlineWithCaps(fx.port, 'bob', 'watcher', ['urn:xmpp:avatar:metadata+notify']));
  const token = (await http.login('alice', 'alice-pw')).json.access_token as string;
  // A room, so that alice has a member event to rewrite (as any user who talks to someone has).
  await http.ok('POST', `${v3}/createRoom`, { token, body: { name: 'den' } });
  const picture = Buffer.from('alice on Element');
  const up = await fetch(`${fx.server.matrixUrl}/_matrix/media/v3/upload`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' }, body: new Blob([picture]),
  });
  const mxc = (await up.json() as { content_uri: string }).content_uri;
  await http.ok('PUT', `${v3}/profile/${enc('@alice:localhost')}/avatar_url`, { token, body: { avatar_url: mxc } });
  const sha1 = createHash('sha1').update(picture).digest('hex');
  // (Her earlier picture came at login, as the node's last item: the new one is told apart by its id.)
  const event = await watcher.next((el) => isEvent('alice@localhost', 'urn:xmpp:avatar:metadata')(el)
    && el.getChild('event')!.getChild('items')!.getChild('item')?.attrs.id === sha1, 'the new avatar\'s notification', 8000);
  assert.equal(event.attrs.type, 'headline');
  const data = await watcher.iq(xml('iq', { type: 'get', to: 'alice@localhost' }, items('urn:xmpp:avatar:data', {}, sha1)));
  assert.equal(data.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item').getChildText('data'), picture.toString('base64'));
});

test('an avatar published with XEP-0084 becomes the vCard photo (XEP-0398)', async () => {
  const bob = await login('bob', 'avatar');
  const img = Buffer.from('another picture');
  const sha1 = createHash('sha1').update(img).digest('hex');
  await bob.iq(xml('iq', { type: 'set' }, publish('urn:xmpp:avatar:data', sha1, xml('data', { xmlns: 'urn:xmpp:avatar:data' }, img.toString('base64')))));
  await bob.iq(xml('iq', { type: 'set' }, publish('urn:xmpp:avatar:metadata', sha1,
    xml('metadata', { xmlns: 'urn:xmpp:avatar:metadata' }, xml('info', { id: sha1, bytes: String(img.length), type: 'image/jpeg' })))));
  const v = await getVcard(bob);
  assert.equal(v.getChild('PHOTO').getChildText('TYPE'), 'image/jpeg');
  assert.equal(v.getChild('PHOTO').getChildText('BINVAL'), img.toString('base64'));
  // The Matrix avatar follows in the background (after the publish was answered).
  for (let i = 0; i < 100 && !fx.server.core.accounts.get('bob')!.avatarUrl; i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(fx.server.core.accounts.get('bob')!.avatarUrl ?? '', /^mxc:\/\/localhost\//);
});

test("another user's vCard cannot be set; a bad vCard photo is kept but not mirrored", async () => {
  const bob = await login('bob', 'bad');
  const r = await bob.iqRaw('set', vcard(xml('NICKNAME', {}, 'Mallory')), 'alice@localhost');
  assert.deepEqual(conditions(r), ['forbidden', undefined]);
  const token = (await http.login('alice', 'alice-pw')).json.access_token as string;
  assert.equal((await http.ok('GET', `${v3}/profile/${enc('@alice:localhost')}`, { token })).displayname, 'Ally');
  const nobody = await bob.iqRaw('get', vcard(), 'nobody@localhost');
  assert.deepEqual(conditions(nobody), ['service-unavailable', undefined]);
  await bob.iq(xml('iq', { type: 'set' }, vcard(xml('PHOTO', {}, xml('BINVAL', {}, '***not base64***')))));
  const meta = await bob.iq(xml('iq', { type: 'get' }, items('urn:xmpp:avatar:metadata')));
  // Bob's earlier avatar is withdrawn: the vCard no longer has a usable photo.
  const metadata = meta.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item').getChild('metadata', 'urn:xmpp:avatar:metadata');
  assert.equal(metadata.getChildren('info').length, 0);
});
