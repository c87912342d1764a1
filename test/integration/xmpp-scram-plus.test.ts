// SCRAM-SHA-256-PLUS (RFC 5802 §6, RFC 7677) bound to the TLS connection, over direct TLS
// (XEP-0368) and over STARTTLS, with tls-exporter (RFC 9266) and tls-server-end-point
// (RFC 5929); the types are advertised with XEP-0440. A wrong binding, as a man in the middle
// relaying the exchange would produce, is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { x, type XmlElement } from '../../src/xmpp/xml/element.js';
import { startTestServer, type TestServer } from './harness.js';
import { RawClient } from './xmpp-support/raw-client.js';
import { ScramClient } from './xmpp-support/scram-client.js';

const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_SASL_CB = 'urn:xmpp:sasl-cb:0';

let server: TestServer;
const open: RawClient[] = [];

before(async () => {
  server = await startTestServer();
  await server.addUser('alice', 'alice-pw');
});

after(async () => {
  for (const c of open) c.destroy();
  await server.destroy();
});

/** A TLS stream, by direct TLS or STARTTLS, at the features after TLS. */
async function secured(how: 'direct' | 'starttls'): Promise<{ c: RawClient; features: XmlElement }> {
  const c = await RawClient.connect(how === 'direct' ? server.xmppPorts.tls! : server.xmppPorts.starttls!, how === 'direct');
  open.push(c);
  if (how === 'starttls') {
    await c.open();
    await c.startTls();
  }
  return { c, features: await c.open() };
}

function bindingData(c: RawClient, type: string): Buffer {
  if (type === 'tls-exporter') return c.tlsSocket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  return createHash('sha256').update(c.tlsSocket.getPeerCertificate().raw).digest();
}

/** One SCRAM exchange with the given gs2 header and binding data; the server's last element. */
async function scram(c: RawClient, mech: string, gs2: string, cbData: Buffer): Promise<{ outcome: XmlElement; client: ScramClient }> {
  const client = new ScramClient('sha256', 'alice', 'alice-pw', undefined, gs2, cbData);
  c.send(x('auth', { xmlns: NS_SASL, mechanism: mech }, Buffer.from(client.first()).toString('base64')).toString());
  const challenge = await c.next();
  if (challenge.name !== 'challenge') return { outcome: challenge, client };
  const final = client.final(Buffer.from(challenge.text(), 'base64').toString());
  c.send(x('response', { xmlns: NS_SASL }, Buffer.from(final).toString('base64')).toString());
  return { outcome: await c.next(), client };
}

for (const how of ['direct', 'starttls'] as const) {
  test(`features over ${how} TLS offer -PLUS and name the binding types (XEP-0440)`, async () => {
    const { features } = await secured(how);
    const mechs = features.getChild('mechanisms', NS_SASL)!.getChildren('mechanism').map((m) => m.text());
    assert.deepEqual(mechs.slice(0, 2), ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS']);
    const types = features.getChild('sasl-channel-binding', NS_SASL_CB)?.getChildren('channel-binding').map((e) => e.attr('type'));
    assert.deepEqual(types, ['tls-exporter', 'tls-server-end-point']);
  });

  for (const type of ['tls-exporter', 'tls-server-end-point']) {
    test(`SCRAM-SHA-256-PLUS with ${type} over ${how} TLS logs in and binds`, async () => {
      const { c } = await secured(how);
      const { outcome, client } = await scram(c, 'SCRAM-SHA-256-PLUS', `p=${type},,`, bindingData(c, type));
      assert.equal(outcome.name, 'success', outcome.toString());
      assert.ok(client.verify(Buffer.from(outcome.text(), 'base64').toString()), 'server signature');
      await c.open();
      assert.equal(await c.bind('plus'), 'alice@localhost/plus');
    });
  }

  test(`a wrong channel binding over ${how} TLS is refused`, async () => {
    const { c } = await secured(how);
    const wrong = Buffer.from(bindingData(c, 'tls-exporter')).fill(0, 0, 4);
    const { outcome } = await scram(c, 'SCRAM-SHA-256-PLUS', 'p=tls-exporter,,', wrong);
    assert.equal(outcome.name, 'failure');
    assert.ok(outcome.getChild('not-authorized'), outcome.toString());
  });
}

test("'y' (client thinks the server cannot bind) is a downgrade when -PLUS is on offer", async () => {
  const { c } = await secured('direct');
  const { outcome } = await scram(c, 'SCRAM-SHA-256', 'y,,', Buffer.alloc(0));
  assert.equal(outcome.name, 'failure');
  assert.ok(outcome.getChild('not-authorized'), outcome.toString());
});

test('an unsupported binding type and -PLUS without binding are refused', async () => {
  const { c } = await secured('direct');
  const unknown = await scram(c, 'SCRAM-SHA-256-PLUS', 'p=tls-foo,,', Buffer.alloc(12));
  assert.ok(unknown.outcome.getChild('not-authorized'), unknown.outcome.toString());
  const none = await scram(c, 'SCRAM-SHA-256-PLUS', 'n,,', Buffer.alloc(0));
  assert.ok(none.outcome.getChild('malformed-request'), none.outcome.toString());
});

test('plain SCRAM without binding still works where -PLUS is offered', async () => {
  const { c } = await secured('starttls');
  const { outcome } = await scram(c, 'SCRAM-SHA-256', 'n,,', Buffer.alloc(0));
  assert.equal(outcome.name, 'success', outcome.toString());
});

test('tls-unique (not advertised; slixmpp 1.8 uses it) binds to the client Finished message', async () => {
  const { c } = await secured('direct');
  const { outcome } = await scram(c, 'SCRAM-SHA-256-PLUS', 'p=tls-unique,,', c.tlsSocket.getFinished()!);
  assert.equal(outcome.name, 'success', outcome.toString());
  const { c: c2 } = await secured('direct');
  const wrong = await scram(c2, 'SCRAM-SHA-256-PLUS', 'p=tls-unique,,', c2.tlsSocket.getPeerFinished()!);
  assert.ok(wrong.outcome.getChild('not-authorized'), wrong.outcome.toString());
});
