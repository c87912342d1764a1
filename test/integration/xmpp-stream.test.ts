// Client streams end to end: a real client library (@xmpp/client) and scripted raw sockets
// against the listeners on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { client, xml } from '@xmpp/client';
import { startHarness, DOMAIN, type Harness } from './xmpp-support/harness.js';
import { header, RawClient } from './xmpp-support/raw-client.js';
import { ScramClient } from './xmpp-support/scram-client.js';
import { errorCondition } from '../../src/xmpp/errors.js';
import { classicAuthOnly } from './xmpp-im-support/im-client.js';

const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
let h: Harness;
const open: RawClient[] = [];

before(async () => {
  h = await startHarness({ maxStanzaSize: 64 * 1024 });
});

after(async () => {
  for (const c of open) c.destroy();
  await h.close();
});

async function raw(directTls = false): Promise<RawClient> {
  const c = await RawClient.connect(directTls ? h.tlsPort : h.starttlsPort, directTls);
  open.push(c);
  return c;
}

function mechanisms(features: XmlElement): string[] {
  return features.getChild('mechanisms', NS_SASL)?.getChildren('mechanism').map((m) => m.text()) ?? [];
}
type XmlElement = Awaited<ReturnType<RawClient['next']>>;

/** A SCRAM-SHA-256 mechanism for @xmpp/client, which ships only SCRAM-SHA-1 and PLAIN. */
class ScramSha256 {
  private scram: ScramClient | null = null;
  private serverFirst = '';
  response(cred: { username: string; password: string }): string {
    if (!this.scram) {
      this.scram = new ScramClient('sha256', cred.username, cred.password);
      return this.scram.first();
    }
    return this.serverFirst ? this.scram.final(this.serverFirst) : '';
  }
  challenge(chal: string): this {
    this.serverFirst = chal;
    return this;
  }
}
Object.assign(ScramSha256.prototype, { name: 'SCRAM-SHA-256', clientFirst: true });

function xmppClient(service: string, username: string, password: string, mechanism?: string) {
  const c = client({
    service, domain: DOMAIN, resource: 'lib',
    ...(mechanism
      ? { credentials: (auth: (c: object, m: string) => Promise<void>) => auth({ username, password }, mechanism) }
      : { username, password }),
  } as Parameters<typeof client>[0]);
  if (mechanism === 'SCRAM-SHA-256') c.saslFactory.use(ScramSha256);
  classicAuthOnly(c); // RFC 6120 SASL here; xmpp-sasl2.test.ts drives SASL2
  c.on('error', () => undefined);
  return c;
}

test('@xmpp/client: STARTTLS + SCRAM-SHA-256, bind, ping the server', async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const c = xmppClient(`xmpp://127.0.0.1:${h.starttlsPort}`, 'alice', 'wonderland', 'SCRAM-SHA-256');
  h.auth.lookups.length = 0;
  const jid = await c.start();
  assert.deepEqual(h.auth.lookups, ['alice/sha256']);
  assert.equal(jid.toString(), 'alice@localhost/lib');
  const pong = await c.iqCaller.request(xml('iq', { type: 'get', to: DOMAIN }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
  assert.equal(pong.attrs.type, 'result');
  await c.stop();
});

test('@xmpp/client: its own choice (SCRAM-SHA-1) works too, and disco#info', async () => {
  const c = xmppClient(`xmpp://127.0.0.1:${h.starttlsPort}`, 'bob', 'builder');
  h.auth.lookups.length = 0;
  await c.start();
  assert.deepEqual(h.auth.lookups, ['bob/sha1']);
  const info = await c.iqCaller.request(xml('iq', { type: 'get', to: DOMAIN }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
  const identity = info.getChild('query').getChild('identity');
  assert.equal(`${identity.attrs.category}/${identity.attrs.type}`, 'server/im');
  await c.stop();
});

test('@xmpp/client: direct TLS (xmpps://)', async () => {
  const c = xmppClient(`xmpps://127.0.0.1:${h.tlsPort}`, 'alice', 'wonderland');
  const jid = await c.start();
  assert.equal(jid.bare().toString(), 'alice@localhost');
  await c.stop();
});

// Over TLS the channel-bound variants come first (xmpp-scram-plus.test.ts tests them).
const PLUS = ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS'];

test('direct TLS negotiates ALPN xmpp-client and offers PLAIN at once', async () => {
  const c = await raw(true);
  assert.equal(c.tlsSocket.alpnProtocol, 'xmpp-client');
  const features = await c.open();
  assert.equal(features.getChild('starttls'), undefined);
  assert.deepEqual(mechanisms(features), [...PLUS, 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
  c.send(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${Buffer.from('\0alice\0wonderland').toString('base64')}</auth>`);
  assert.equal((await c.next()).name, 'success');
});

test('before TLS only STARTTLS (required) is offered; PLAIN appears after TLS', async () => {
  const c = await raw();
  const before = await c.open();
  assert.ok(before.getChild('starttls')?.getChild('required'));
  assert.deepEqual(mechanisms(before), []);
  await c.startTls();
  const afterTls = await c.open();
  assert.equal(afterTls.getChild('starttls'), undefined);
  assert.deepEqual(mechanisms(afterTls), [...PLUS, 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
});

test('bytes sent after <starttls/> in the same packet are discarded (no plaintext injection)', async () => {
  const c = await raw();
  await c.open();
  await c.startTls(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${Buffer.from('\0alice\0wonderland').toString('base64')}</auth>`);
  const features = await c.open();
  assert.deepEqual(mechanisms(features), [...PLUS, 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
  c.send(`<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>`);
  assert.equal((await c.streamEnd()).condition, 'not-authorized');
});

test('SASL before TLS → <encryption-required/>', async () => {
  const c = await raw();
  await c.open();
  c.send(`<auth xmlns='${NS_SASL}' mechanism='SCRAM-SHA-256'>${Buffer.from('n,,n=alice,r=abc').toString('base64')}</auth>`);
  const failure = await c.next();
  assert.equal(failure.name, 'failure');
  assert.equal(failure.elements()[0]?.name, 'encryption-required');
});

test('wrong password → <failure><not-authorized/>; too many failures end the stream', async () => {
  const c = await raw();
  await c.open();
  await c.startTls();
  await c.open();
  for (let i = 0; i < 3; i++) {
    const failure = await c.scram('alice', 'wrong');
    assert.equal(failure.name, 'failure');
    assert.equal(failure.elements()[0]?.name, 'not-authorized');
  }
  assert.equal((await c.streamEnd()).condition, 'policy-violation');
});

test('SASL edge cases: unknown mechanism, bad base64, abort', async () => {
  const c = await raw();
  await c.open();
  await c.startTls();
  await c.open();
  c.send(`<auth xmlns='${NS_SASL}' mechanism='DIGEST-MD5'/>`);
  assert.equal((await c.next()).elements()[0]?.name, 'invalid-mechanism');
  c.send(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>not base64!</auth>`);
  assert.equal((await c.next()).elements()[0]?.name, 'incorrect-encoding');
  c.send(`<auth xmlns='${NS_SASL}' mechanism='SCRAM-SHA-256'/>`);
  assert.equal((await c.next()).name, 'challenge');
  c.send(`<abort xmlns='${NS_SASL}'/>`);
  assert.equal((await c.next()).elements()[0]?.name, 'aborted');
});

test('not-well-formed XML → <not-well-formed/> stream error and a closed stream', async () => {
  const c = await raw();
  await c.open();
  c.send('<message><body>oops</message>');
  const end = await c.streamEnd();
  assert.equal(end.condition, 'not-well-formed');
  assert.equal(end.closedTag, true);
});

test('DOCTYPE → <restricted-xml/>', async () => {
  const c = await raw();
  c.send(`<?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY lol 'lol'>]>`);
  assert.equal((await c.streamEnd()).condition, 'restricted-xml');
});

test('entity reference → <restricted-xml/>', async () => {
  const c = await raw();
  await c.open();
  c.send('<message><body>&lol;</body></message>');
  assert.equal((await c.streamEnd()).condition, 'restricted-xml');
});

test('oversized stanza → <policy-violation/>, at the size the features advertise (XEP-0478)', async () => {
  const c = await raw();
  const features = await c.open();
  assert.equal(features.getChild('limits', 'urn:xmpp:stream-limits:0')?.getChildText('max-bytes'), String(64 * 1024));
  c.send(`<message><body>${'x'.repeat(100 * 1024)}</body></message>`);
  assert.equal((await c.streamEnd()).condition, 'policy-violation');
});

test('stream header problems: wrong content namespace, unknown host', async () => {
  const c1 = await raw();
  c1.send(header(DOMAIN).replace("xmlns='jabber:client'", "xmlns='jabber:server'"));
  assert.equal((await c1.streamEnd()).condition, 'invalid-namespace');
  const c2 = await raw();
  c2.send(header('elsewhere.example'));
  assert.equal((await c2.streamEnd()).condition, 'host-unknown');
});

test('stanzas before authentication → <not-authorized/> stream error', async () => {
  const c = await raw();
  await c.open();
  c.send("<message to='bob@localhost'><body>hi</body></message>");
  assert.equal((await c.streamEnd()).condition, 'not-authorized');
});

test('forged from is replaced by the real full JID; iq routed to a full JID', async () => {
  const a = await raw();
  const b = await raw();
  const aJid = await a.login('alice', 'wonderland', 'one');
  const bJid = await b.login('bob', 'builder', 'two');
  a.send(`<iq type='get' id='f1' to='${bJid}' from='admin@localhost/evil'><ping xmlns='urn:xmpp:ping'/></iq>`);
  const got = await b.next();
  assert.equal(got.attr('from'), aJid);
  assert.equal(got.attr('id'), 'f1');
  b.send(`<iq type='result' id='f1' to='${aJid}'/>`);
  const answer = await a.next();
  assert.equal(answer.attr('type'), 'result');
  assert.equal(answer.attr('from'), bJid);
});

test('unknown iq → service-unavailable; legacy session iq → result; whitespace keepalive ignored', async () => {
  const c = await raw();
  await c.login('alice', 'wonderland', 'three');
  c.send('   \n  ');
  c.send(`<iq type='get' id='u1' to='${DOMAIN}'><query xmlns='urn:example:nothing'/></iq>`);
  const err = await c.next();
  assert.equal(err.attr('type'), 'error');
  assert.equal(errorCondition(err), 'service-unavailable');
  c.send(`<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>`);
  const res = await c.next();
  assert.equal(res.attr('type'), 'result');
  assert.equal(res.attr('id'), 's1');
});

test('a client vanishing mid-stream is cleaned up; others go on', async () => {
  const closedBefore = h.server.sessionCount;
  const gone = await raw();
  await gone.login('bob', 'builder', 'vanishing');
  assert.equal(h.server.sessionCount, closedBefore + 1);
  gone.send("<message to='alice@localhost'><body>half a sta");
  gone.destroy();
  const stay = await raw();
  await stay.login('alice', 'wonderland', 'staying');
  for (let i = 0; i < 50 && h.server.sessionFor('bob@localhost/vanishing'); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(h.server.sessionFor('bob@localhost/vanishing'), undefined);
  stay.send(`<iq type='get' id='p' to='${DOMAIN}'><ping xmlns='urn:xmpp:ping'/></iq>`);
  assert.equal((await stay.next()).attr('type'), 'result');
});

test('binding the same resource again replaces the old session with <conflict/>', async () => {
  const first = await raw();
  await first.login('alice', 'wonderland', 'dup');
  const second = await raw();
  await second.login('alice', 'wonderland', 'dup');
  assert.equal((await first.streamEnd()).condition, 'conflict');
  assert.equal(h.server.sessionFor('alice@localhost/dup') !== undefined, true);
});

test('client closing the stream gets the closing tag back', async () => {
  const c = await raw();
  await c.login('bob', 'builder');
  assert.ok(c.jid.startsWith('bob@localhost/'));
  c.send('</stream:stream>');
  const end = await c.streamEnd();
  assert.equal(end.closedTag, true);
  assert.equal(end.condition, undefined);
});

test('allowInsecureAuth on loopback: SASL (PLAIN too) without TLS; negotiation timeout', async () => {
  const insecure = await startHarness({ allowInsecureAuth: true, negotiationTimeoutMs: 300 });
  try {
    const c = await RawClient.connect(insecure.starttlsPort);
    open.push(c);
    const features = await c.open();
    assert.ok(features.getChild('starttls'));
    assert.equal(features.getChild('starttls')?.getChild('required'), undefined);
    assert.deepEqual(mechanisms(features), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
    assert.equal((await c.scram('alice', 'wonderland')).name, 'success');
    await c.open();
    await c.bind('plain');
    const idle = await RawClient.connect(insecure.starttlsPort);
    open.push(idle);
    await idle.open();
    assert.equal((await idle.streamEnd()).condition, 'connection-timeout');
  } finally {
    await insecure.close();
  }
});
