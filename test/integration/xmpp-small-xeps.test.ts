// Small server XEPs with a real client library: XEP-0092 software version, XEP-0157 contact
// addresses in the server's disco#info, XEP-0215 STUN/TURN discovery with TURN REST credentials.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startTestServer, type TestServer } from './harness.js';
import { ImClient, xml, type XmlNode } from './xmpp-im-support/im-client.js';

let server: TestServer;
let alice: ImClient;

before(async () => {
  server = await startTestServer({
    extra: {
      xmpp: {
        c2s_listen: '127.0.0.1:0', c2s_tls_listen: '127.0.0.1:0', allow_insecure_auth: true,
        contact_addresses: { abuse: ['mailto:abuse@localhost'], support: ['xmpp:help@localhost', 'https://help.example'] },
        external_services: [
          { type: 'stun', host: 'stun.example', port: 3478, transport: 'udp' },
          { type: 'turn', host: 'turn.example', port: 3478, transport: 'udp', secret: 'coturn-secret', ttl_seconds: 600 },
        ],
      },
    },
  });
  await server.addUser('alice', 'alice-pw');
  alice = await ImClient.login(server.xmppPorts.starttls!, 'alice', 'alice-pw', 'x');
});
after(async () => {
  await alice.stop();
  await server.destroy();
});

const condition = (el: XmlNode) => el.getChild('error')?.children.find((c: XmlNode | string) => typeof c !== 'string')?.name;

test('XEP-0092: name Hearth and the package version', async () => {
  const r = await alice.iqRaw('get', xml('query', { xmlns: 'jabber:iq:version' }), 'localhost');
  const q = r.getChild('query', 'jabber:iq:version');
  assert.equal(q.getChildText('name'), 'Hearth');
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(q.getChildText('version'), pkg.version);
});

test('XEP-0157: the serverinfo form in disco#info, with the features of the small XEPs', async () => {
  const r = await alice.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), 'localhost');
  const q = r.getChild('query');
  const features = q.getChildren('feature').map((f: XmlNode) => f.attrs.var);
  for (const f of ['jabber:iq:version', 'urn:xmpp:extdisco:2']) assert.ok(features.includes(f), f);
  const form = q.getChildren('x', 'jabber:x:data').find((x: XmlNode) => x.getChildren('field').some((f: XmlNode) => f.attrs.var === 'FORM_TYPE' && f.getChildText('value') === 'http://jabber.org/network/serverinfo'));
  assert.ok(form, 'the serverinfo form');
  assert.equal(form.attrs.type, 'result');
  const values = (v: string) => form.getChildren('field').find((f: XmlNode) => f.attrs.var === v)?.getChildren('value').map((e: XmlNode) => e.text());
  assert.deepEqual(values('abuse-addresses'), ['mailto:abuse@localhost']);
  assert.deepEqual(values('support-addresses'), ['xmpp:help@localhost', 'https://help.example']);
});

test('XEP-0215: all services, by type, and credentials for one; unknown ones are errors', async () => {
  const all = (await alice.iqRaw('get', xml('services', { xmlns: 'urn:xmpp:extdisco:2' }), 'localhost')).getChild('services');
  assert.deepEqual(all.getChildren('service').map((s: XmlNode) => s.attrs.type), ['stun', 'turn']);
  const turns = (await alice.iqRaw('get', xml('services', { xmlns: 'urn:xmpp:extdisco:2', type: 'turn' }), 'localhost')).getChild('services').getChildren('service');
  assert.equal(turns.length, 1);
  const t = turns[0]!.attrs;
  assert.match(t.username, /^\d+:alice$/);
  assert.equal(t.password, createHmac('sha1', 'coturn-secret').update(t.username).digest('base64'));
  assert.ok(Date.parse(t.expires) > Date.now());
  const creds = await alice.iqRaw('get', xml('credentials', { xmlns: 'urn:xmpp:extdisco:2' }, xml('service', { host: 'turn.example', type: 'turn' })), 'localhost');
  assert.match(creds.getChild('credentials').getChild('service').attrs.username, /:alice$/);
  assert.equal(condition(await alice.iqRaw('get', xml('credentials', { xmlns: 'urn:xmpp:extdisco:2' }, xml('service', { host: 'nope', type: 'turn' })), 'localhost')), 'item-not-found');
  assert.equal(condition(await alice.iqRaw('get', xml('credentials', { xmlns: 'urn:xmpp:extdisco:2' }), 'localhost')), 'bad-request');
});
