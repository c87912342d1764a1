// Rosters and presence (RFC 6121 §2-§4) with a real client library (@xmpp/client) against a
// whole Hearth: roster get/set/push/remove, the subscription handshake, presence broadcast and
// the 'unavailable' of a vanished connection, a pending request delivered at the next login.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { NS_ROSTER, isPresence, isPush, itemOf, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const fx = useXmppServer(['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);

const login = (user: string, resource = 'test') => fx.login(user, resource);

/** Logs in, asks for the roster (interested resource) and sends initial presence (available). */
const online = (user: string, resource = 'test') => fx.online(user, resource, { roster: true });

const condition = (el: XmlNode) => el.getChild('error')?.children.map((c) => (typeof c === 'string' ? '' : c.name)).find((n) => n && n !== 'text');

test('roster: set, get, push to every interested resource, versioning, remove', async () => {
  const a1 = await login('alice', 'one');
  const a2 = await login('alice', 'two');
  const first = await a1.roster('');
  assert.equal(first.getChild('query', NS_ROSTER).getChildren('item').length, 0);
  await a2.roster();

  await a1.iq(xml('iq', { type: 'set' }, xml('query', { xmlns: NS_ROSTER },
    xml('item', { jid: 'zed@example.net', name: 'Zed' }, xml('group', {}, 'Friends'), xml('group', {}, 'Far')))));
  for (const c of [a1, a2]) {
    const push = await c.next(isPush('zed@example.net'), 'roster push');
    const item = itemOf(push, 'zed@example.net')!;
    assert.equal(item.attrs.name, 'Zed');
    assert.equal(item.attrs.subscription, 'none');
    assert.deepEqual(item.getChildren('group').map((g) => g.text()), ['Friends', 'Far']);
    assert.ok(push.getChild('query', NS_ROSTER).attrs.ver, 'pushes carry the roster version');
    assert.equal(push.attrs.from, undefined);
  }

  const full = await a1.roster('');
  const ver = full.getChild('query', NS_ROSTER).attrs.ver!;
  assert.equal(itemOf(full, 'zed@example.net')?.attrs.name, 'Zed');
  // §2.6.3: the cached roster is current: an empty result.
  const same = await a1.roster(ver);
  assert.equal(same.children.length, 0);

  await a1.iq(xml('iq', { type: 'set' }, xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: 'zed@example.net', subscription: 'remove' }))));
  for (const c of [a1, a2]) {
    const push = await c.next(isPush('zed@example.net'), 'removal push');
    assert.equal(itemOf(push, 'zed@example.net')!.attrs.subscription, 'remove');
  }
  assert.equal((await a1.roster()).getChild('query', NS_ROSTER).getChildren('item').length, 0);
  await a1.stop();
  await a2.stop();
});

test('roster: errors (§2.3.3, §2.5.3)', async () => {
  const a = await login('alice', 'errors');
  const set = (...items: XmlNode[]) => a.iqRaw('set', xml('query', { xmlns: NS_ROSTER }, ...items));
  assert.equal(condition(await set(xml('item', { jid: 'a@b' }), xml('item', { jid: 'c@d' }))), 'bad-request');
  assert.equal(condition(await set(xml('item', { jid: 'nobody@example.net', subscription: 'remove' }))), 'item-not-found');
  assert.equal(condition(await set(xml('item', { jid: 'x@y' }, xml('group', {}, 'G'), xml('group', {}, 'G')))), 'bad-request');
  assert.equal(condition(await set(xml('item', { jid: 'x@y' }, xml('group', {})))), 'not-acceptable');
  assert.equal(condition(await set(xml('item', { jid: 'alice@localhost' }))), 'not-allowed');
  const other = await a.iqRaw('get', xml('query', { xmlns: NS_ROSTER }), 'bob@localhost');
  assert.equal(condition(other), 'forbidden');
  const otherSet = await a.iqRaw('set', xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: 'x@y' })), 'bob@localhost');
  assert.equal(condition(otherSet), 'forbidden');
  await a.stop();
});

test('subscriptions: the handshake both ways ends in both, with pushes and presence (§3)', async () => {
  const alice = await online('alice');
  const bob = await online('bob');

  await alice.send(xml('presence', { to: 'bob@localhost', type: 'subscribe' }));
  const ask = itemOf(await alice.next(isPush('bob@localhost'), 'push for the request'), 'bob@localhost')!;
  assert.deepEqual([ask.attrs.subscription, ask.attrs.ask], ['none', 'subscribe']);
  await bob.next(isPresence('alice@localhost', 'subscribe'), 'the request');

  await bob.send(xml('presence', { to: 'alice@localhost', type: 'subscribed' }));
  assert.equal(itemOf(await bob.next(isPush('alice@localhost'), 'push after approving'), 'alice@localhost')!.attrs.subscription, 'from');
  await alice.next(isPresence('bob@localhost', 'subscribed'), 'the approval');
  const to = itemOf(await alice.next(isPush('bob@localhost'), 'push after approval'), 'bob@localhost')!;
  assert.deepEqual([to.attrs.subscription, to.attrs.ask], ['to', undefined]);
  await alice.next(isPresence(bob.jid), "bob's current presence (§3.1.5)");

  await bob.send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
  await alice.next(isPresence('bob@localhost', 'subscribe'), 'the request back');
  await alice.send(xml('presence', { to: 'bob@localhost', type: 'subscribed' }));
  assert.equal(itemOf(await alice.next(isPush('bob@localhost'), 'push'), 'bob@localhost')!.attrs.subscription, 'both');
  await bob.next(isPresence('alice@localhost', 'subscribed'), 'the approval back');
  assert.equal(itemOf(await bob.next((el) => isPush('alice@localhost')(el) && itemOf(el, 'alice@localhost')?.attrs.subscription === 'both', 'push'), 'alice@localhost')!.attrs.subscription, 'both');
  await bob.next(isPresence(alice.jid), "alice's current presence");

  assert.equal(itemOf(await alice.roster(), 'bob@localhost')!.attrs.subscription, 'both');
  assert.equal(itemOf(await bob.roster(), 'alice@localhost')!.attrs.subscription, 'both');

  // Presence broadcast (§4.4): an update reaches the contact, with its payload.
  await alice.send(xml('presence', {}, xml('show', {}, 'away'), xml('status', {}, 'lunch')));
  const update = await bob.next(isPresence(alice.jid), 'the update');
  assert.equal(update.getChildText('show'), 'away');
  assert.equal(update.getChildText('status'), 'lunch');

  // A second resource of bob logging in gets alice's presence from the probe (§4.3).
  const bob2 = await login('bob', 'second');
  await bob2.send(xml('presence'));
  const probed = await bob2.next(isPresence(alice.jid), 'probe answer');
  assert.equal(probed.getChildText('status'), 'lunch');
  await alice.next(isPresence(bob2.jid), "bob's new resource");

  // Unavailable at a proper logout (§4.5), and when the connection just vanishes.
  await bob2.stop();
  await alice.next(isPresence(bob2.jid, 'unavailable'), 'unavailable after logout');
  alice.vanish();
  await bob.next(isPresence(alice.jid, 'unavailable'), 'unavailable after the socket vanished');
});

test('subscriptions: unsubscribe and removing the item end them (§3.3, §2.5.2)', async () => {
  const carol = await online('carol');
  const dave = await online('dave');
  await carol.send(xml('presence', { to: 'dave@localhost', type: 'subscribe' }));
  await dave.next(isPresence('carol@localhost', 'subscribe'), 'request');
  await dave.send(xml('presence', { to: 'carol@localhost', type: 'subscribed' }));
  await carol.next(isPresence(dave.jid), "dave's presence");

  await carol.send(xml('presence', { to: 'dave@localhost', type: 'unsubscribe' }));
  await dave.next(isPresence('carol@localhost', 'unsubscribe'), 'the unsubscribe');
  await carol.next(isPresence(dave.jid, 'unavailable'), 'dave is gone for carol');
  await dave.next((el) => isPush('carol@localhost')(el) && itemOf(el, 'carol@localhost')?.attrs.subscription === 'none', 'push: none');

  // Dave removes carol: her roster item stays but no longer has anything from him.
  await dave.iq(xml('iq', { type: 'set' }, xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: 'carol@localhost', subscription: 'remove' }))));
  await dave.next((el) => isPush('carol@localhost')(el) && itemOf(el, 'carol@localhost')?.attrs.subscription === 'remove', 'removal push');
  assert.equal(itemOf(await dave.roster(), 'carol@localhost'), undefined);
  assert.equal(itemOf(await carol.roster(), 'dave@localhost')?.attrs.subscription, 'none');
});

test('subscriptions: a request to someone offline waits for their next login (§3.1.3)', async () => {
  const erin = await online('erin');
  await erin.send(xml('presence', { to: 'frank@localhost', type: 'subscribe' }, xml('status', {}, "it's Erin")));
  await erin.next(isPush('frank@localhost'), 'push for the request');

  const frank = await login('frank');
  // The request is not on frank's roster (§3.1.3: pending requests are not roster items)...
  assert.equal(itemOf(await frank.roster(), 'erin@localhost'), undefined);
  // ...it is delivered when he becomes available.
  await frank.send(xml('presence'));
  await frank.next(isPresence('erin@localhost', 'subscribe'), 'the pending request');
  await frank.stop();

  // Still pending until answered: delivered again at the next login.
  const again = await login('frank', 'again');
  await again.send(xml('presence'));
  await again.next(isPresence('erin@localhost', 'subscribe'), 'the pending request, again');
  await again.send(xml('presence', { to: 'erin@localhost', type: 'subscribed' }));
  await erin.next(isPresence('frank@localhost', 'subscribed'), 'the approval');
  assert.equal(itemOf(await erin.roster(), 'frank@localhost')?.attrs.subscription, 'to');
  assert.equal(itemOf(await again.roster(), 'erin@localhost')?.attrs.subscription, 'from');
});

test('subscriptions: a request to a user that does not exist is refused on its behalf', async () => {
  const erin = await online('erin', 'ghost');
  await erin.send(xml('presence', { to: 'ghost@localhost', type: 'subscribe' }));
  await erin.next(isPresence('ghost@localhost', 'unsubscribed'), 'unsubscribed from the server');
  await erin.next((el) => isPush('ghost@localhost')(el) && itemOf(el, 'ghost@localhost')?.attrs.ask === undefined, 'push: no longer asking');
});
