// External components (XEP-0114) with slixmpp's ComponentXMPP as a real one: it connects with
// the shared secret, greets a user, asks the server's disco#info, and answers her messages from
// its own domain. Raw connections cover the refusals: wrong secret, unknown domain, wrong
// namespace, stanzas before the handshake or from another domain, a second component for a
// domain in use, and one that vanishes; a domain without its component bounces like any
// unreachable service, and a message for an account with no client online is bounced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { runPython, slixmppScript } from './clients/slixmpp.js';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { errorOf } from './xmpp-im-support/muc.js';
import { isMessage, xml, type ImClient } from './xmpp-im-support/im-client.js';
import { RawClient } from './xmpp-support/raw-client.js';

const GW = 'gw.localhost';
const SECRET = 'a-long-shared-secret';
const fx = useXmppServer(['alice', 'bob'], {
  extra: { xmpp: { c2s_listen: '127.0.0.1:0', c2s_tls_listen: '127.0.0.1:0', allow_insecure_auth: true, component_listen: '127.0.0.1:0', components: [{ domain: GW, secret: SECRET }] } },
});
const port = () => fx.server.xmppPorts.component!;

const header = (to: string, ns = 'jabber:component:accept') =>
  `<?xml version='1.0'?><stream:stream xmlns='${ns}' xmlns:stream='http://etherx.jabber.org/streams' to='${to}'>`;

/** A raw component connection; with `secret` it also does the handshake and expects success. */
async function rawComponent(domain = GW, secret?: string): Promise<{ c: RawClient; id: string }> {
  const c = await RawClient.connect(port());
  c.send(header(domain));
  const open = await c.nextEvent();
  assert.equal(open.type, 'open');
  const attrs = (open as { attrs: Record<string, string> }).attrs;
  if (secret !== undefined) {
    c.send(`<handshake>${createHash('sha1').update(attrs.id + secret).digest('hex')}</handshake>`);
    assert.equal((await c.next()).name, 'handshake');
  }
  return { c, id: attrs.id! };
}

let alice: ImClient;
const discoInfo = (to: string) => alice.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), to);

test('a configured component that is not connected: its domain is listed, and answers service-unavailable', async () => {
  alice = await fx.online('alice');
  const items = await alice.iq(xml('iq', { type: 'get', to: 'localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })));
  assert.ok(items.getChild('query')!.getChildren('item').some((i) => i.attrs.jid === GW));
  assert.equal(errorOf(await discoInfo(GW)), 'service-unavailable');
  await alice.send(xml('message', { to: `bot@${GW}`, type: 'chat', id: 'm0' }, xml('body', {}, 'anyone?')));
  const bounced = await alice.next((s) => s.name === 'message' && s.attrs.id === 'm0', 'the bounce', 5000);
  assert.equal(errorOf(bounced), 'service-unavailable');
});

test('slixmpp\'s ComponentXMPP: handshake, a message to the user, disco#info of the server, answers to her messages', async () => {
  const run = runPython([slixmppScript('component_gateway.py'), '127.0.0.1', String(port()), GW, SECRET, 'alice@localhost']);
  const hello = await alice.next(isMessage('gateway online'), 'the gateway\'s greeting', 15_000);
  assert.equal(hello.attrs.from, GW);
  const info = await alice.iq(xml('iq', { type: 'get', to: GW }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
  assert.deepEqual(info.getChild('query')!.getChildren('identity').map((i) => `${i.attrs.category}/${i.attrs.type}`), ['gateway/xmpp']);
  await alice.send(xml('message', { to: `bot@${GW}`, type: 'chat', id: 'm1' }, xml('body', {}, 'ping')));
  const pong = await alice.next(isMessage('pong: ping'), 'the answer', 10_000);
  assert.equal(pong.attrs.from, `bot@${GW}/bot`);
  await alice.send(xml('message', { to: `bot@${GW}`, type: 'chat', id: 'm2' }, xml('body', {}, 'bye')));
  const { code, stdout, stderr } = await run;
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(result.error, undefined, `${result.error}\n${stderr}`);
  assert.ok(result.ok);
  assert.deepEqual(result.got, [{ from: 'alice@localhost/test', to: `bot@${GW}`, body: 'ping' }]);
  assert.ok(result.server_features.includes('urn:xmpp:ping'), 'the component reads the server\'s disco#info');
});

test('refused: a wrong secret, an unknown domain, the client namespace, a stanza before the handshake', async () => {
  const wrong = await rawComponent();
  wrong.c.send('<handshake>0000000000000000000000000000000000000000</handshake>');
  assert.equal((await wrong.c.streamEnd()).condition, 'not-authorized');

  const unknown = await RawClient.connect(port());
  unknown.send(header('elsewhere.localhost'));
  assert.equal((await unknown.streamEnd()).condition, 'host-unknown');

  const client = await RawClient.connect(port());
  client.send(header(GW, 'jabber:client'));
  assert.equal((await client.streamEnd()).condition, 'invalid-namespace');

  const early = await rawComponent();
  early.c.send(`<message from='${GW}' to='alice@localhost'><body>too soon</body></message>`);
  assert.equal((await early.c.streamEnd()).condition, 'not-authorized');
  await alice.nothing(isMessage('too soon'), 'a message from an unauthenticated component', 300);
});

test('a component speaks only for its domain, to someone; a second one for its domain is refused', async () => {
  const first = await rawComponent(GW, SECRET);
  const second = await rawComponent();
  second.c.send(`<handshake>${createHash('sha1').update(second.id + SECRET).digest('hex')}</handshake>`);
  assert.equal((await second.c.streamEnd()).condition, 'conflict');
  // The first one still works.
  first.c.send(`<message from='news@${GW}' to='alice@localhost' type='chat'><body>still here</body></message>`);
  assert.equal((await alice.next(isMessage('still here'), 'the first component\'s message', 5000)).attrs.from, `news@${GW}`);

  // Nothing stores a component's message for an account with no client online: it is bounced, not lost silently.
  first.c.send(`<message from='news@${GW}' to='bob@localhost' type='chat' id='to-bob'><body>are you there?</body></message>`);
  const bounced = await first.c.until((el) => el.name === 'message' && el.attrs.id === 'to-bob');
  assert.equal(bounced.attrs.type, 'error');
  assert.equal(bounced.getChild('error')?.elements()[0]?.name, 'service-unavailable');
  assert.equal(bounced.attrs.to, `news@${GW}`);

  first.c.send(`<message from='alice@localhost' to='alice@localhost' type='chat'><body>forged</body></message>`);
  assert.equal((await first.c.streamEnd()).condition, 'invalid-from');
  await alice.nothing(isMessage('forged'), 'a forged message', 300);

  const noTo = await rawComponent(GW, SECRET);
  noTo.c.send(`<message from='${GW}'><body>to whom?</body></message>`);
  assert.equal((await noTo.c.streamEnd()).condition, 'improper-addressing');
});

test('a component that vanishes mid-stream frees its domain: stanzas bounce, and it can connect again', async () => {
  const gone = await rawComponent(GW, SECRET);
  gone.c.send(`<message from='${GW}' to='alice@localhost' type='chat'><body>half`);
  (gone.c as unknown as { socket: { destroy(): void } }).socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(errorOf(await discoInfo(GW)), 'service-unavailable');
  const back = await rawComponent(GW, SECRET);
  const asked = discoInfo(GW);
  const iq = await back.c.until((el) => el.name === 'iq');
  assert.equal(iq.attrs.from, 'alice@localhost/test');
  back.c.send(`<iq type='result' from='${GW}' to='${iq.attrs.from}' id='${iq.attrs.id}'><query xmlns='http://jabber.org/protocol/disco#info'><identity category='gateway' type='xmpp'/></query></iq>`);
  assert.equal((await asked).attrs.type, 'result');
  back.c.send('<message></presence>');
  assert.equal((await back.c.streamEnd()).condition, 'not-well-formed');
});
