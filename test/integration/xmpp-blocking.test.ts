// XEP-0191 blocking with a real client library: the list, block and unblock with pushes to the
// resources that asked for the list, enforcement both ways, and the one list shared with Matrix
// (m.ignored_user_list account data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { isMessage, isPresence, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const NS = 'urn:xmpp:blocking';

const fx = useXmppServer(['alice', 'bob', 'carol', 'erin', 'fred']);

const online = (user: string, resource: string) => fx.online(user, resource);

const items = (el: XmlNode) => el.getChild('blocklist', NS).getChildren('item').map((i: XmlNode) => i.attrs.jid).sort();
const condition = (el: XmlNode) => el.getChild('error')?.children.find((c: XmlNode | string) => typeof c !== 'string')?.name;
const ignored = (user: string) => Object.keys((fx.server.core.accountData.get(`@${user}:localhost`, 'm.ignored_user_list')?.ignored_users ?? {}) as object).sort();

test('block, list, push, enforce, unblock; the Matrix ignore list is the same list', async () => {
  const bob1 = await online('bob', 'one');
  const bob2 = await online('bob', 'two');
  const alice = await online('alice', 'a');
  assert.deepEqual(items(await bob1.iqRaw('get', xml('blocklist', { xmlns: NS }))), []);

  const r = await bob2.iqRaw('set', xml('block', { xmlns: NS }, xml('item', { jid: 'alice@localhost' }), xml('item', { jid: 'spam.example' })));
  assert.equal(r.attrs.type, 'result');
  // bob1 asked for the list: it gets the push; bob2 did not.
  const pushed = await bob1.next((el) => el.name === 'iq' && el.attrs.type === 'set' && !!el.getChild('block', NS), 'block push');
  assert.deepEqual(pushed.getChild('block', NS).getChildren('item').map((i: XmlNode) => i.attrs.jid), ['alice@localhost', 'spam.example']);
  await bob2.nothing((el) => el.name === 'iq' && !!el.getChild('block', NS), 'a push to a resource that never asked');
  assert.deepEqual(items(await bob1.iqRaw('get', xml('blocklist', { xmlns: NS }))), ['alice@localhost', 'spam.example']);
  assert.deepEqual(ignored('bob'), ['@alice:localhost']);

  // Inbound: alice's message is refused with service-unavailable and never reaches bob.
  await alice.send(xml('message', { to: 'bob@localhost', type: 'chat', id: 'x1' }, xml('body', {}, 'let me in')));
  const err = await alice.next((el) => el.name === 'message' && el.attrs.type === 'error' && el.attrs.id === 'x1', 'the error');
  assert.equal(condition(err), 'service-unavailable');
  await bob1.nothing(isMessage('let me in'), 'a blocked message');
  // Outbound: bob writing to alice gets not-acceptable + <blocked/>.
  await bob1.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'x2' }, xml('body', {}, 'psst')));
  const out = await bob1.next((el) => el.name === 'message' && el.attrs.type === 'error' && el.attrs.id === 'x2', 'the blocked error');
  assert.equal(condition(out), 'not-acceptable');
  assert.ok(out.getChild('error').getChild('blocked', 'urn:xmpp:blocking:errors'));
  await alice.nothing(isMessage('psst'), 'a message to a blocked JID');

  // Matrix side: Element ignoring carol shows up in the XMPP list.
  await fx.server.core.accountData.put('@bob:localhost', 'm.ignored_user_list', { ignored_users: { '@alice:localhost': {}, '@carol:localhost': {} } });
  assert.deepEqual(items(await bob1.iqRaw('get', xml('blocklist', { xmlns: NS }))), ['alice@localhost', 'carol@localhost', 'spam.example']);
  // carol writes from a Matrix client in their DM room: bob's XMPP sessions do not get it.
  const dm = await fx.server.core.directs.ensure('@carol:localhost', '@bob:localhost');
  const fromMatrix = (body: string) => fx.server.core.rooms.send(dm, { type: 'm.room.message', sender: '@carol:localhost', content: { msgtype: 'm.text', body } });
  await fromMatrix('ignored from matrix');
  await bob1.nothing(isMessage('ignored from matrix'), 'a Matrix message from an ignored user', 500);

  // Unblock one, then all.
  assert.equal((await bob1.iqRaw('set', xml('unblock', { xmlns: NS }, xml('item', { jid: 'alice@localhost' })))).attrs.type, 'result');
  assert.deepEqual(ignored('bob'), ['@carol:localhost']);
  await alice.send(xml('message', { to: 'bob@localhost', type: 'chat' }, xml('body', {}, 'hello again')));
  await bob1.next(isMessage('hello again'), 'a message after unblocking', 8000);
  assert.equal((await bob1.iqRaw('set', xml('unblock', { xmlns: NS }))).attrs.type, 'result');
  const all = await bob1.next((el) => el.name === 'iq' && el.attrs.type === 'set' && !!el.getChild('unblock', NS) && el.getChild('unblock', NS).getChildren('item').length === 0, 'unblock-all push');
  assert.ok(all);
  assert.deepEqual(items(await bob1.iqRaw('get', xml('blocklist', { xmlns: NS }))), []);
  assert.deepEqual(ignored('bob'), []);
  await fromMatrix('heard from matrix');
  await bob1.next(isMessage('heard from matrix'), 'a Matrix message after unblocking', 8000);
});

test('bad requests: empty block, malformed JID, another account', async () => {
  const carol = await online('carol', 'c');
  assert.equal(condition(await carol.iqRaw('set', xml('block', { xmlns: NS }))), 'bad-request');
  assert.equal(condition(await carol.iqRaw('set', xml('block', { xmlns: NS }, xml('item', { jid: '@@bad' })))), 'jid-malformed');
  assert.equal(condition(await carol.iqRaw('set', xml('block', { xmlns: NS }, xml('item', {})))), 'jid-malformed');
  assert.equal(condition(await carol.iqRaw('get', xml('blocklist', { xmlns: NS }), 'bob@localhost')), 'forbidden');
  const info = await carol.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), 'localhost');
  assert.ok(info.getChild('query').getChildren('feature').some((f: XmlNode) => f.attrs.var === NS));
});

test('a blocked contact sees the account go offline, and come back when unblocked', async () => {
  const erin = await online('erin', 'e');
  const fred = await online('fred', 'f');
  await erin.send(xml('presence', { to: 'fred@localhost', type: 'subscribe' }));
  await fred.next((el) => el.name === 'presence' && el.attrs.type === 'subscribe', 'the request');
  await fred.send(xml('presence', { to: 'erin@localhost', type: 'subscribed' }));
  await erin.next(isPresence('fred@localhost/f'), 'fred online', 8000);

  await fred.iqRaw('set', xml('block', { xmlns: NS }, xml('item', { jid: 'erin@localhost' })));
  await erin.next(isPresence('fred@localhost/f', 'unavailable'), 'fred gone for erin', 8000);
  await fred.iqRaw('set', xml('unblock', { xmlns: NS }, xml('item', { jid: 'erin@localhost' })));
  await erin.next(isPresence('fred@localhost/f'), 'fred back for erin', 8000);
});
