// XEP-0163 PEP with a real client library (@xmpp/client): notifications by caps interest to
// contacts, last item on presence, OMEMO-style open device lists readable by anyone,
// publish-options preconditions, owner operations, and the errors bad requests get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { xml, type XmlNode } from './xmpp-im-support/im-client.js';
import { befriend, conditions, form, isEvent, items, NS_EVENT, NS_OWNER, NS_PUBSUB, onlineWithCaps, publish, publishOptions } from './xmpp-pep-support.js';

const MOOD = 'http://jabber.org/protocol/mood';
const OMEMO = 'urn:xmpp:omemo:2:devices';
const mood = (m: string) => xml('mood', { xmlns: MOOD }, xml(m));

const fx = useXmppServer(['alice', 'bob', 'carol', 'dave', 'erin'], {
  ready: (server) => befriend(server, 'alice', 'bob'),
});

const online = async (user: string, resource: string, features: string[]) => fx.track(await onlineWithCaps(fx.port, user, resource, features));

test('a publish reaches the owner and contacts whose caps ask for the node, and no one else', async () => {
  const alice = await online('alice', 'phone', [`${MOOD}+notify`]);
  const bob = await online('bob', 'pc', [`${MOOD}+notify`]);
  const bobQuiet = await online('bob', 'watch', []);
  const carol = await online('carol', 'pc', [`${MOOD}+notify`]);
  const r = await alice.iq(xml('iq', { type: 'set', id: 'p1' }, publish(MOOD, 'm1', mood('happy'))));
  assert.equal(r.getChild('pubsub', NS_PUBSUB).getChild('publish').getChild('item').attrs.id, 'm1');
  const ev = await bob.next(isEvent('alice@localhost', MOOD), 'mood event');
  assert.equal(ev.attrs.type, 'headline');
  const item = ev.getChild('event', NS_EVENT).getChild('items').getChild('item');
  assert.equal(item.attrs.id, 'm1');
  assert.ok(item.getChild('mood', MOOD).getChild('happy'));
  await alice.next(isEvent('alice@localhost', MOOD), 'own mood event');
  await bobQuiet.nothing(isEvent('alice@localhost', MOOD), 'event without +notify');
  await carol.nothing(isEvent('alice@localhost', MOOD), 'event to a non-contact');
  // Presence access: the contact reads it, the stranger gets presence-subscription-required.
  const read = await bob.iq(xml('iq', { type: 'get', to: 'alice@localhost' }, items(MOOD)));
  assert.equal(read.getChild('pubsub', NS_PUBSUB).getChild('items').getChildren('item').length, 1);
  const refused = await carol.iqRaw('get', items(MOOD), 'alice@localhost');
  assert.deepEqual(conditions(refused), ['not-authorized', 'presence-subscription-required']);
});

test('the last item goes to a contact resource that comes online asking for the node', async () => {
  const bob2 = await online('bob', 'tablet', [`${MOOD}+notify`]);
  const ev = await bob2.next(isEvent('alice@localhost', MOOD), 'last mood item');
  assert.equal(ev.getChild('event', NS_EVENT).getChild('items').getChild('item').attrs.id, 'm1');
});

test('an OMEMO device list published with access_model=open is readable by a non-contact; preconditions hold', async () => {
  const dave = await online('dave', 'pc', []);
  const carol = await online('carol', 'laptop', []);
  const devices = xml('devices', { xmlns: 'urn:xmpp:omemo:2' }, xml('device', { id: '12345' }));
  await dave.iq(xml('iq', { type: 'set' }, publish(OMEMO, 'current', devices, publishOptions({ 'pubsub#access_model': 'open', 'pubsub#max_items': 'max' }))));
  const r = await carol.iq(xml('iq', { type: 'get', to: 'dave@localhost' }, items(OMEMO)));
  const item = r.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item');
  assert.equal(item.attrs.id, 'current');
  assert.equal(item.getChild('devices', 'urn:xmpp:omemo:2').getChild('device').attrs.id, '12345');
  const clash = await dave.iqRaw('set', publish(OMEMO, 'current', devices, publishOptions({ 'pubsub#access_model': 'whitelist' })));
  assert.deepEqual(conditions(clash), ['conflict', 'precondition-not-met']);
  const unknown = await dave.iqRaw('set', publish(OMEMO, 'current', devices, publishOptions({ 'pubsub#no_such_option': '1' })));
  assert.deepEqual(conditions(unknown), ['conflict', 'precondition-not-met']);
  const same = await dave.iqRaw('set', publish(OMEMO, 'current', devices, publishOptions({ 'pubsub#access_model': 'open' })));
  assert.equal(same.attrs.type, 'result');
});

test('a contact just granted a subscription gets the last items it asked for', async () => {
  const dave = await online('dave', 'mood', []);
  await dave.iq(xml('iq', { type: 'set' }, publish(MOOD, 'd1', mood('curious'))));
  const erin = await online('erin', 'pc', [`${MOOD}+notify`]);
  await erin.send(xml('presence', { to: 'dave@localhost', type: 'subscribe' }));
  await dave.next((el) => el.name === 'presence' && el.attrs.type === 'subscribe' && el.attrs.from === 'erin@localhost', 'subscription request');
  await erin.nothing(isEvent('dave@localhost', MOOD), 'event before approval');
  await dave.send(xml('presence', { to: 'erin@localhost', type: 'subscribed' }));
  const ev = await erin.next(isEvent('dave@localhost', MOOD), 'last item after approval');
  assert.equal(ev.getChild('event', NS_EVENT).getChild('items').getChild('item').attrs.id, 'd1');
});

test('bad requests get pubsub errors, not crashes', async () => {
  const alice = await online('alice', 'errors', []);
  const payload = mood('sad');
  const cases: [XmlNode, string | undefined, [string, string | undefined]][] = [
    [publish(MOOD, 'x', payload), 'bob@localhost', ['forbidden', undefined]],
    [publish(MOOD, 'x', payload, xml('publish-options', {}, xml('x', { xmlns: 'jabber:x:data', type: 'submit' }))), undefined, ['bad-request', undefined]],
    [publish(MOOD, 'x', payload, xml('publish-options')), undefined, ['bad-request', undefined]],
    [xml('pubsub', { xmlns: NS_PUBSUB }, xml('publish', {}, xml('item', {}, payload))), undefined, ['bad-request', 'nodeid-required']],
    [xml('pubsub', { xmlns: NS_PUBSUB }, xml('publish', { node: MOOD })), undefined, ['bad-request', 'item-required']],
    [xml('pubsub', { xmlns: NS_PUBSUB }, xml('publish', { node: MOOD }, xml('item', { id: 'e' }))), undefined, ['bad-request', 'payload-required']],
    [xml('pubsub', { xmlns: NS_PUBSUB }, xml('subscribe', { node: MOOD, jid: 'alice@localhost' })), undefined, ['feature-not-implemented', 'unsupported']],
    [xml('pubsub', { xmlns: NS_PUBSUB }), undefined, ['bad-request', undefined]],
    [xml('pubsub', { xmlns: NS_PUBSUB }, xml('retract', { node: MOOD }, xml('item', { id: 'nope' }))), undefined, ['item-not-found', undefined]],
    [xml('pubsub', { xmlns: NS_OWNER }, xml('delete', { node: 'no-such-node' })), undefined, ['item-not-found', undefined]],
    [xml('pubsub', { xmlns: NS_OWNER }, xml('purge', { node: MOOD })), 'bob@localhost', ['forbidden', undefined]],
  ];
  cases.push([publish('n'.repeat(1024), 'x', payload), undefined, ['not-acceptable', undefined]]);
  cases.push([publish(MOOD, 'i'.repeat(1024), payload), undefined, ['not-acceptable', undefined]]);
  for (const [payloadEl, to, want] of cases) {
    const r = await alice.iqRaw('set', payloadEl, to);
    assert.deepEqual(conditions(r), want, payloadEl.toString());
  }
  const getCases: [XmlNode, [string, string | undefined]][] = [
    [items('no-such-node'), ['item-not-found', undefined]],
    [items(MOOD, { max_items: 'lots' }), ['bad-request', undefined]],
    [items(MOOD, {}, 'no-such-item'), ['item-not-found', undefined]],
    [xml('pubsub', { xmlns: NS_PUBSUB }, xml('items')), ['bad-request', 'nodeid-required']],
  ];
  for (const [payloadEl, want] of getCases) assert.deepEqual(conditions(await alice.iqRaw('get', payloadEl)), want, payloadEl.toString());
});

test('an account cannot grow its nodes without end', async () => {
  // One transaction for the filler, not 500 synced commits.
  await fx.server.core.storage.writes.enqueue(() => {
    for (let i = 0; i < 500; i++) fx.server.core.storage.pep.putNode('erin', `urn:example:filler:${i}`, {});
  });
  const erin = await online('erin', 'many', []);
  const r = await erin.iqRaw('set', publish('urn:example:one-too-many', 'x', mood('tired')));
  assert.deepEqual(conditions(r), ['not-allowed', 'max-nodes-exceeded']);
  const ok = await erin.iqRaw('set', publish('urn:example:filler:7', 'x', mood('fine')));
  assert.equal(ok.attrs.type, 'result');
});

test('owner operations: max_items keeps the newest, configure, retract and purge notify, delete removes', async () => {
  const carol = await online('carol', 'owner', ['urn:example:notes+notify']);
  const NOTES = 'urn:example:notes';
  const note = (t: string) => xml('note', { xmlns: NOTES }, t);
  await carol.iq(xml('iq', { type: 'set' }, publish(NOTES, 'n1', note('one'), publishOptions({ 'pubsub#max_items': '2' }))));
  await carol.iq(xml('iq', { type: 'set' }, publish(NOTES, 'n2', note('two'))));
  await carol.iq(xml('iq', { type: 'set' }, publish(NOTES, 'n3', note('three'))));
  const ids = async (attrs: Record<string, string> = {}) => (await carol.iq(xml('iq', { type: 'get' }, items(NOTES, attrs))))
    .getChild('pubsub', NS_PUBSUB).getChild('items').getChildren('item').map((i) => i.attrs.id);
  assert.deepEqual(await ids(), ['n3', 'n2']);
  assert.deepEqual(await ids({ max_items: '1' }), ['n3']);
  const byId = await carol.iq(xml('iq', { type: 'get' }, items(NOTES, {}, 'n2')));
  assert.equal(byId.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item').getChild('note', NOTES).text(), 'two');

  const conf = await carol.iq(xml('iq', { type: 'get' }, xml('pubsub', { xmlns: NS_OWNER }, xml('configure', { node: NOTES }))));
  const fields = conf.getChild('pubsub', NS_OWNER).getChild('configure').getChild('x', 'jabber:x:data').getChildren('field');
  assert.equal(fields.find((f) => f.attrs.var === 'pubsub#max_items')!.getChildText('value'), '2');
  await carol.iq(xml('iq', { type: 'set' }, xml('pubsub', { xmlns: NS_OWNER }, xml('configure', { node: NOTES },
    form('http://jabber.org/protocol/pubsub#node_config', { 'pubsub#max_items': '1', 'pubsub#access_model': 'open' })))));
  assert.deepEqual(await ids(), ['n3']);
  const badConf = await carol.iqRaw('set', xml('pubsub', { xmlns: NS_OWNER }, xml('configure', { node: NOTES },
    form('http://jabber.org/protocol/pubsub#node_config', { 'pubsub#access_model': 'roster' }))));
  assert.deepEqual(conditions(badConf), ['not-acceptable', undefined]);

  carol.box.length = 0;
  await carol.iq(xml('iq', { type: 'set' }, xml('pubsub', { xmlns: NS_PUBSUB }, xml('retract', { node: NOTES, notify: 'true' }, xml('item', { id: 'n3' })))));
  const retracted = await carol.next(isEvent('carol@localhost', NOTES), 'retract event');
  assert.equal(retracted.getChild('event', NS_EVENT).getChild('items').getChild('retract').attrs.id, 'n3');
  await carol.iq(xml('iq', { type: 'set' }, publish(NOTES, 'n4', note('four'))));
  await carol.iq(xml('iq', { type: 'set' }, xml('pubsub', { xmlns: NS_OWNER }, xml('purge', { node: NOTES }))));
  await carol.next((el) => el.name === 'message' && !!el.getChild('event', NS_EVENT)?.getChild('purge'), 'purge event');
  assert.deepEqual(await ids(), []);
  await carol.iq(xml('iq', { type: 'set' }, xml('pubsub', { xmlns: NS_OWNER }, xml('delete', { node: NOTES }))));
  await carol.next((el) => el.name === 'message' && !!el.getChild('event', NS_EVENT)?.getChild('delete'), 'delete event');
  assert.deepEqual(conditions(await carol.iqRaw('get', items(NOTES))), ['item-not-found', undefined]);
});

test('the account advertises PEP and nodes survive a restart', async () => {
  const bob = await online('bob', 'disco', []);
  const info = await bob.iq(xml('iq', { type: 'get', to: 'bob@localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
  const features = info.getChild('query').getChildren('feature').map((f) => f.attrs.var);
  assert.ok(features.includes(`${NS_PUBSUB}#publish-options`));
  assert.ok(features.includes(`${NS_PUBSUB}#config-node-max`), 'clients keep bookmarks and XEP-0490 state in PEP only when max_items=max is offered');
  const ids = info.getChild('query').getChildren('identity').map((i) => `${i.attrs.category}/${i.attrs.type}`);
  assert.ok(ids.includes('pubsub/pep'), `identities ${ids}`);
  await fx.restart();
  const carol = await online('carol', 'after', []);
  const r = await carol.iq(xml('iq', { type: 'get', to: 'dave@localhost' }, items(OMEMO)));
  assert.equal(r.getChild('pubsub', NS_PUBSUB).getChild('items').getChild('item').attrs.id, 'current');
});
