// XEP-0424 retraction and Matrix redaction in a 1:1 chat between an XMPP client (bob) and a
// Matrix client (alice), each with a second XMPP client taking carbons: a retraction removes the
// message in alice's Matrix client, a Matrix redaction reaches bob (and alice's own XMPP client)
// as a retraction, the archive shows tombstones, and bad retractions are refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';
import { startMixedPair, stopMixedPair } from './clients/mixed-pair.js';
import { sdk, until, type Session } from './clients/matrix-sdk.js';
import { ImClient, isMessage, isPresence, xml, type XmlNode } from './xmpp-im-support/im-client.js';
import { mamQuery } from './xmpp-im-support/mam.js';

const NS_RETRACT = 'urn:xmpp:message-retract:1';
const CARBONS = 'urn:xmpp:carbons:2';
let server: TestServer;
let alice: Session;
let bob: ImClient;
let bobLaptop: ImClient;
let aliceDesk: ImClient;
const seen: sdk.MatrixEvent[] = [];
let roomId = '';

async function withCarbons(user: string, resource: string): Promise<ImClient> {
  const c = await ImClient.login(server.xmppPorts.starttls!, user, 'secret-pw', resource);
  assert.equal((await c.iqRaw('set', xml('enable', { xmlns: CARBONS }))).attrs.type, 'result');
  await c.send(xml('presence'));
  await c.next(isPresence(c.jid), 'own presence');
  return c;
}

before(async () => {
  ({ server, alice, bob } = await startMixedPair());
  alice.client.on(sdk.ClientEvent.Event, (ev) => { seen.push(ev); });
  bobLaptop = await withCarbons('bob', 'laptop');
  aliceDesk = await withCarbons('alice', 'desk');
});

after(async () => {
  await bobLaptop?.stop();
  await aliceDesk?.stop();
  await stopMixedPair({ server, alice, bob });
});

const eventWithBody = (body: string) => seen.find((e) => e.getContent().body === body);
const retractOf = (id: string) => (el: XmlNode) => el.name === 'message' && el.getChild('retract', NS_RETRACT)?.attrs.id === id;
const sentCarbon = (pred: (inner: XmlNode) => boolean) => (el: XmlNode) => {
  const inner = el.getChild('sent', CARBONS)?.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message');
  return !!inner && pred(inner);
};
const retraction = (id: string, targetId: string) => xml('message', { to: 'alice@localhost', type: 'chat', id },
  xml('retract', { xmlns: NS_RETRACT, id: targetId }),
  xml('fallback', { xmlns: 'urn:xmpp:fallback:0', for: NS_RETRACT }),
  xml('body', {}, '/me retracted a message'), xml('store', { xmlns: 'urn:xmpp:hints' }));

test('bob retracts his message from XMPP: alice\'s Matrix client sees it redacted, his laptop gets the carbon', async () => {
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'oops-1' }, xml('body', {}, 'wrong chat, sorry')));
  await until('alice sees the message', () => eventWithBody('wrong chat, sorry') !== undefined, 8000);
  const ev = eventWithBody('wrong chat, sorry')!;
  roomId = ev.getRoomId()!;
  await bob.send(retraction('retract-1', 'oops-1'));
  await until('the message is redacted in alice\'s client', () => alice.client.getRoom(roomId)?.findEventById(ev.getId()!)?.isRedacted() === true, 8000);
  assert.equal(alice.client.getRoom(roomId)!.findEventById(ev.getId()!)!.getContent().body, undefined, 'its text is gone');
  assert.equal(eventWithBody('/me retracted a message'), undefined, 'the fallback body is not a message');
  const copy = await bobLaptop.next(sentCarbon((m) => m.getChild('retract', NS_RETRACT)?.attrs.id === 'oops-1'), 'a sent carbon of the retraction', 8000);
  assert.ok(copy);
  await aliceDesk.next(retractOf('oops-1'), 'the retraction on alice\'s XMPP client', 8000);
});

test('alice redacts her message on Matrix: bob gets an XEP-0424 retraction naming the id he saw', async () => {
  const { event_id: mine } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'meant for carol' } as never);
  const got = await bob.next(isMessage('meant for carol'), 'alice\'s message', 8000);
  assert.equal(got.attrs.id, mine);
  await alice.client.redactEvent(roomId, mine);
  const r = await bob.next(retractOf(mine), 'the retraction', 8000);
  assert.equal(r.attrs.from, 'alice@localhost');
  assert.equal(r.getChild('fallback', 'urn:xmpp:fallback:0')?.attrs.for, NS_RETRACT);
  assert.ok(r.getChildText('body'), 'a fallback body for clients without XEP-0424');
  assert.ok(r.getChild('store', 'urn:xmpp:hints'));
  // alice's own XMPP client takes it as a 'sent' carbon: she retracted it, from another device.
  await aliceDesk.next(sentCarbon((m) => m.getChild('retract', NS_RETRACT)?.attrs.id === mine), 'a sent carbon on alice\'s XMPP client', 8000);
});

test('the archive shows tombstones for retracted messages, and keeps the retractions', async () => {
  const info = await bob.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), 'bob@localhost');
  const features = info.getChild('query').getChildren('feature').map((f: XmlNode) => f.attrs.var);
  assert.ok(features.includes(NS_RETRACT) && features.includes(`${NS_RETRACT}#tombstone`), 'XEP-0424 §2, §4 features');
  const { messages } = await mamQuery(bob);
  const tombs = messages.filter((m) => m.getChild('retracted', NS_RETRACT));
  assert.equal(tombs.length, 2, messages.map(String).join('\n'));
  for (const t of tombs) assert.equal(t.getChild('body'), undefined, `no content in ${t}`);
  const own = tombs.find((t) => t.attrs.id === 'oops-1')!;
  assert.equal(own.getChild('retracted', NS_RETRACT).attrs.id, 'retract-1', 'names the retraction by its id');
  assert.match(own.getChild('retracted', NS_RETRACT).attrs.stamp, /^\d{4}-.*Z$/);
  assert.ok(!messages.some((m) => /wrong chat|meant for carol/.test(m.getChildText('body') ?? '')), 'no retracted text anywhere');
  const retractions = messages.filter((m) => m.getChild('retract', NS_RETRACT));
  assert.deepEqual(retractions.map((m) => m.getChild('retract', NS_RETRACT).attrs.id).sort(), ['oops-1', tombs.find((t) => t !== own)!.attrs.id].sort());
});

test('bad retractions are refused with an error, and nothing is redacted', async () => {
  const { event_id: hers } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'keep me' } as never);
  await bob.next(isMessage('keep me'), 'alice\'s message', 8000);
  const isError = (id: string) => (el: XmlNode) => el.name === 'message' && el.attrs.type === 'error' && el.attrs.id === id;
  await bob.send(retraction('bad-1', hers));
  const forbidden = await bob.next(isError('bad-1'), 'an error for retracting alice\'s message', 8000);
  assert.ok(forbidden.getChild('error').getChild('forbidden', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
  await bob.send(retraction('bad-2', 'no-such-message'));
  const unknown = await bob.next(isError('bad-2'), 'an error for an unknown id', 8000);
  assert.ok(unknown.getChild('error').getChild('item-not-found', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'bad-3' }, xml('retract', { xmlns: NS_RETRACT }), xml('body', {}, 'x')));
  const noId = await bob.next(isError('bad-3'), 'an error for a retraction without id', 8000);
  assert.ok(noId.getChild('error').getChild('bad-request', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
  assert.equal(alice.client.getRoom(roomId)!.findEventById(hers)!.isRedacted(), false);
  assert.equal(server.core.storage.events.redactedBy(hers), null);
  // The session goes on.
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'still here')));
  await until('alice sees bob\'s next message', () => eventWithBody('still here') !== undefined, 8000);
});
