// XEP-0402 bookmarks with XEP-0048 compatibility, and XEP-0049 private storage, over a real client:
// 0402 -> private storage:bookmarks, 0048 private -> 0402 (with retraction), 0048 over PEP <-> 0402,
// and the refusals private storage owes (other users, reserved namespaces, empty queries).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { ImClient, xml, type XmlNode } from './xmpp-im-support/im-client.js';
import { conditions, items, NS_PUBSUB, publish, publishOptions } from './xmpp-pep-support.js';

const NS_B2 = 'urn:xmpp:bookmarks:1';
const NS_PRIVATE = 'jabber:iq:private';

const fx = useXmppServer(['alice', 'bob']);

const login = (user: string, resource = 'bm') => fx.login(user, resource);

const B2_OPTIONS = { 'pubsub#persist_items': 'true', 'pubsub#max_items': 'max', 'pubsub#send_last_published_item': 'never', 'pubsub#access_model': 'whitelist' };
const privateGet = (child: XmlNode) => xml('iq', { type: 'get' }, xml('query', { xmlns: NS_PRIVATE }, child));
const storageOf = (r: XmlNode) => r.getChild('query', NS_PRIVATE).getChild('storage', 'storage:bookmarks');
const b2Items = async (c: ImClient) => (await c.iq(xml('iq', { type: 'get' }, items(NS_B2)))).getChild('pubsub', NS_PUBSUB).getChild('items').getChildren('item');

test('a bookmark published with XEP-0402 is read through XEP-0048 private storage', async () => {
  const alice = await login('alice');
  await alice.iq(xml('iq', { type: 'set' }, publish(NS_B2, 'club@conference.localhost',
    xml('conference', { xmlns: NS_B2, name: 'The Club', autojoin: 'true' }, xml('nick', {}, 'ally')), publishOptions(B2_OPTIONS))));
  const storage = storageOf(await alice.iq(privateGet(xml('storage', { xmlns: 'storage:bookmarks' }))));
  const conf = storage.getChildren('conference');
  assert.equal(conf.length, 1);
  assert.equal(conf[0]!.attrs.jid, 'club@conference.localhost');
  assert.equal(conf[0]!.attrs.name, 'The Club');
  assert.equal(conf[0]!.attrs.autojoin, 'true');
  assert.equal(conf[0]!.getChildText('nick'), 'ally');
});

test('bookmarks stored with XEP-0048 private storage appear in the XEP-0402 node, removals retract', async () => {
  const alice = await login('alice', 'legacy');
  const set = (...confs: XmlNode[]) => alice.iq(xml('iq', { type: 'set' }, xml('query', { xmlns: NS_PRIVATE }, xml('storage', { xmlns: 'storage:bookmarks' }, ...confs))));
  await set(xml('conference', { jid: 'club@conference.localhost', name: 'The Club', autojoin: 'true' }, xml('nick', {}, 'ally')),
    xml('conference', { jid: 'garden@conference.localhost', name: 'Garden', autojoin: 'false' }));
  let list = await b2Items(alice);
  assert.deepEqual(list.map((i) => i.attrs.id).sort(), ['club@conference.localhost', 'garden@conference.localhost']);
  const garden = list.find((i) => i.attrs.id === 'garden@conference.localhost')!.getChild('conference', NS_B2);
  assert.equal(garden.attrs.name, 'Garden');
  assert.equal(garden.attrs.autojoin, 'false');
  await set(xml('conference', { jid: 'garden@conference.localhost', name: 'Garden', autojoin: 'false' }));
  list = await b2Items(alice);
  assert.deepEqual(list.map((i) => i.attrs.id), ['garden@conference.localhost']);
  // The node XEP-0048 made is private, as XEP-0402 requires: another user cannot read it.
  const bob = await login('bob');
  assert.deepEqual(conditions(await bob.iqRaw('get', items(NS_B2), 'alice@localhost')), ['not-allowed', 'closed-node']);
});

test('XEP-0048 over PEP and XEP-0402 follow each other', async () => {
  const bob = await login('bob', 'pep48');
  await bob.iq(xml('iq', { type: 'set' }, publish('storage:bookmarks', 'current',
    xml('storage', { xmlns: 'storage:bookmarks' }, xml('conference', { jid: 'dev@conference.localhost', name: 'Dev', autojoin: 'true' })),
    publishOptions({ 'pubsub#access_model': 'whitelist' }))));
  assert.deepEqual((await b2Items(bob)).map((i) => i.attrs.id), ['dev@conference.localhost']);
  await bob.iq(xml('iq', { type: 'set' }, publish(NS_B2, 'ops@conference.localhost', xml('conference', { xmlns: NS_B2, name: 'Ops' }))));
  const legacy = await bob.iq(xml('iq', { type: 'get' }, items('storage:bookmarks')));
  const jids = legacy.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item').getChild('storage', 'storage:bookmarks')
    .getChildren('conference').map((c) => c.attrs.jid).sort();
  assert.deepEqual(jids, ['dev@conference.localhost', 'ops@conference.localhost']);
});

test('private XML storage keeps any namespace for its owner and refuses what XEP-0049 refuses', async () => {
  const alice = await login('alice', 'private');
  await alice.iq(xml('iq', { type: 'set' }, xml('query', { xmlns: NS_PRIVATE }, xml('prefs', { xmlns: 'exodus:prefs' }, xml('defaultnick', {}, 'Hamlet')))));
  const back = await alice.iq(privateGet(xml('prefs', { xmlns: 'exodus:prefs' })));
  assert.equal(back.getChild('query', NS_PRIVATE).getChild('prefs', 'exodus:prefs').getChildText('defaultnick'), 'Hamlet');
  const empty = await alice.iq(privateGet(xml('other', { xmlns: 'urn:example:nothing-yet' })));
  assert.equal(empty.getChild('query', NS_PRIVATE).getChild('other', 'urn:example:nothing-yet').children.length, 0);
  const cases: ['get' | 'set', XmlNode, string | undefined, string][] = [
    ['get', xml('query', { xmlns: NS_PRIVATE }, xml('prefs', { xmlns: 'exodus:prefs' })), 'bob@localhost', 'forbidden'],
    ['set', xml('query', { xmlns: NS_PRIVATE }, xml('prefs', { xmlns: 'exodus:prefs' })), 'bob@localhost', 'forbidden'],
    ['get', xml('query', { xmlns: NS_PRIVATE }), undefined, 'not-acceptable'],
    ['set', xml('query', { xmlns: NS_PRIVATE }, xml('vCard', { xmlns: 'vcard-temp' })), undefined, 'not-acceptable'],
    ['set', xml('query', { xmlns: NS_PRIVATE }, xml('query', { xmlns: 'jabber:iq:roster' })), undefined, 'not-acceptable'],
    ['get', xml('query', { xmlns: NS_PRIVATE }, xml('a', { xmlns: 'urn:a' }), xml('b', { xmlns: 'urn:b' })), undefined, 'bad-request'],
  ];
  for (const [type, q, to, want] of cases) assert.equal(conditions(await alice.iqRaw(type, q, to))[0], want, q.toString());
});
