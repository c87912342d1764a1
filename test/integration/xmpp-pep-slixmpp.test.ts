// An independent client (Debian's python3-slixmpp, its xep_0054, xep_0084, xep_0163, xep_0049
// and xep_0048 plugins) against PEP, vCards and bookmarks; a bookmark made with XEP-0402 by
// @xmpp/client is read by slixmpp through XEP-0048, and slixmpp's additions show in XEP-0402.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runPython, slixmppScript } from './clients/slixmpp.js';
import { startTestServer, type TestServer } from './harness.js';
import { ImClient, xml } from './xmpp-im-support/im-client.js';
import { items, NS_PUBSUB, publish, publishOptions } from './xmpp-pep-support.js';

let server: TestServer;
const NS_B2 = 'urn:xmpp:bookmarks:1';

before(async () => {
  server = await startTestServer();
  await server.addUser('alice', 'alice-pw');
});

after(async () => {
  await server.destroy();
});

test('slixmpp: vCard nickname becomes the displayname, XEP-0084 avatar lands, XEP-0048 reads and writes XEP-0402', async () => {
  const alice = await ImClient.login(server.xmppPorts.starttls!, 'alice', 'alice-pw', 'node');
  try {
    await alice.iq(xml('iq', { type: 'set' }, publish(NS_B2, 'club@conference.localhost',
      xml('conference', { xmlns: NS_B2, name: 'Club', autojoin: 'true' }, xml('nick', {}, 'al')),
      publishOptions({ 'pubsub#access_model': 'whitelist', 'pubsub#max_items': 'max' }))));

    const { code, stdout, stderr } = await runPython([slixmppScript('pep_vcard_bookmarks.py'), '127.0.0.1', String(server.xmppPorts.starttls), 'alice@localhost/slix', 'alice-pw', 'Slix Alice']);
    assert.equal(code, 0, `slixmpp script failed: ${stderr}`);
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]!);
    assert.equal(result.error, undefined, `slixmpp reported: ${result.error}\n${stderr}`);
    assert.equal(result.ok, true);
    assert.deepEqual(result.vcard_nick, ['Slix Alice']);
    assert.deepEqual(result.bookmarks, ['club@conference.localhost']);

    assert.equal(server.core.accounts.get('alice')!.displayname, 'Slix Alice');
    const meta = await alice.iq(xml('iq', { type: 'get' }, items('urn:xmpp:avatar:metadata')));
    assert.equal(meta.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item').attrs.id, result.avatar_id);
    const vcard = await alice.iq(xml('iq', { type: 'get' }, xml('vCard', { xmlns: 'vcard-temp' })));
    assert.ok(vcard.getChild('vCard', 'vcard-temp').getChild('PHOTO'), 'the XEP-0084 avatar is mirrored into the vCard');
    const b2 = await alice.iq(xml('iq', { type: 'get' }, items(NS_B2)));
    const ids = b2.getChild('pubsub', NS_PUBSUB).getChild('items').getChildren('item').map((i) => i.attrs.id).sort();
    assert.deepEqual(ids, ['club@conference.localhost', 'slix@conference.localhost']);
  } finally {
    await alice.stop();
  }
});
