// RFC 6121 §3.4 subscription pre-approval with a real client (@xmpp/client) on the full server:
// the stream feature, a 'subscribed' sent before any request (noted as approved='true', pushed,
// never routed), the contact's later 'subscribe' approved by the server without asking the user,
// and a pre-approval withdrawn with 'unsubscribed'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { ImClient, NS_ROSTER, isPresence, isPush, itemOf, xml } from './xmpp-im-support/im-client.js';
import { RawClient } from './xmpp-support/raw-client.js';
import { x } from '../../src/xmpp/xml/element.js';

const fx = useXmppServer(['alice', 'bob', 'carol']);

/** Logs in, asks for the roster (an interested resource) and is available; alice stays for later tests. */
let alice: ImClient;
const online = async (user: string) => fx.online(user, 'test', { roster: true });

const isSub = (type: string, from?: string) => (el: { name: string; attrs: Record<string, string> }) =>
  el.name === 'presence' && el.attrs.type === type && (from === undefined || el.attrs.from === from);

test('the server advertises pre-approval in the features of an authenticated stream', async () => {
  const c = await RawClient.connect(fx.server.xmppPorts.tls!, true);
  await c.open();
  c.send(x('authenticate', { xmlns: 'urn:xmpp:sasl:2', mechanism: 'PLAIN' }, x('initial-response', null, Buffer.from('\0carol\0carol-pw').toString('base64'))).toString());
  assert.equal((await c.next()).name, 'success');
  const features = await c.next();
  assert.ok(features.getChild('sub', 'urn:xmpp:features:pre-approval'), String(features));
  c.destroy();
});

test('a pre-approved contact\'s request is approved by the server; the user is not asked', async () => {
  alice = await online('alice');
  const bob = await online('bob');
  await alice.send(xml('presence', { to: 'bob@localhost', type: 'subscribed' }));
  const push = await alice.next(isPush('bob@localhost'), 'roster push of the pre-approval');
  const item = itemOf(push, 'bob@localhost')!;
  assert.equal(item.attrs.subscription, 'none');
  assert.equal(item.attrs.approved, 'true');
  await bob.nothing(isSub('subscribed'), 'a pre-approval sent to the contact');
  const roster = await alice.roster();
  assert.equal(itemOf(roster, 'bob@localhost')?.attrs.approved, 'true', 'kept in the roster');

  await bob.send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
  await bob.next(isSub('subscribed', 'alice@localhost'), 'the approval, from the server');
  await bob.next(isPresence('alice@localhost/test'), "alice's presence");
  const after = itemOf(await alice.next(isPush('bob@localhost'), 'roster push: from'), 'bob@localhost')!;
  assert.equal(after.attrs.subscription, 'from');
  assert.equal(after.attrs.approved, undefined, 'a pre-approval is used up');
  await alice.nothing(isSub('subscribe'), 'the request shown to alice');
  assert.equal(itemOf(await bob.roster(), 'alice@localhost')?.attrs.subscription, 'to');
});

test('unsubscribed withdraws a pre-approval: the next request is the user\'s to answer', async () => {
  const carol = await online('carol');
  await alice.send(xml('presence', { to: 'carol@localhost', type: 'subscribed' }));
  assert.equal(itemOf(await alice.next(isPush('carol@localhost'), 'pre-approval push'), 'carol@localhost')?.attrs.approved, 'true');
  await alice.send(xml('presence', { to: 'carol@localhost', type: 'unsubscribed' }));
  assert.equal(itemOf(await alice.next(isPush('carol@localhost'), 'withdrawal push'), 'carol@localhost')?.attrs.approved, undefined);
  await carol.send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
  await alice.next(isSub('subscribe', 'carol@localhost'), 'the request, for alice to answer');
  await carol.nothing(isSub('subscribed'), 'an approval nobody gave');
  assert.equal(itemOf(await carol.roster(), 'alice@localhost')?.attrs.ask, 'subscribe');
});

test('a pre-approval for a contact already subscribed changes nothing', async () => {
  const before = (await alice.roster()).getChild('query', NS_ROSTER).attrs.ver;
  await alice.send(xml('presence', { to: 'bob@localhost', type: 'subscribed' }));
  await alice.nothing(isPush('bob@localhost'), 'a roster push');
  assert.equal((await alice.roster()).getChild('query', NS_ROSTER).attrs.ver, before);
});
