// SASL2 (XEP-0388), Bind 2 (XEP-0386) and their inline session features with a real client
// (@xmpp/client 0.14, which prefers SASL2 when offered) on the full server: the server-named
// resource, stable for one client installation, a working session, XEP-0198 enabled inline, and
// XEP-0280 carbons and XEP-0352 inactivity switched on inside the bind request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { isMessage, isPresence, xml } from './xmpp-im-support/im-client.js';
import { RawClient } from './xmpp-support/raw-client.js';
import { x } from '../../src/xmpp/xml/element.js';

const UA = '0d8f7a52-3b7c-4f0e-9a51-6f2b8c1d9e07';

const fx = useXmppServer(['alice', 'bob']);

const login = fx.login;

test('@xmpp/client logs in with SASL2 + Bind 2: a resource named after its tag, stable per installation, and messages flow', async () => {
  const alice = await login('alice', 'phone', { sasl2: true, userAgentId: UA });
  assert.match(alice.jid, /^alice@localhost\/phone\/[A-Za-z0-9_-]{12}$/);
  const bob = await login('bob', 'desk');
  await bob.send(xml('message', { to: alice.jid, type: 'chat', id: 'm1' }, xml('body', {}, 'hi over bind 2')));
  const got = await alice.next(isMessage('hi over bind 2'), 'the message');
  assert.equal(got.attrs.from, 'bob@localhost/desk');
  await alice.stop();

  const again = await login('alice', 'phone', { sasl2: true, userAgentId: UA });
  assert.equal(again.jid, alice.jid, 'the same installation gets the same resource');
  const other = await login('alice', 'phone', { sasl2: true, userAgentId: 'another-installation' });
  assert.notEqual(other.jid, alice.jid);
});

test('@xmpp/client: XEP-0198 is enabled inside the Bind 2 request', async () => {
  const c = await login('bob', 'tablet', { sasl2: true, sm: true });
  const sm = (c.xmpp as unknown as { streamManagement: { enabled: boolean; id: string } }).streamManagement;
  assert.equal(sm.enabled, true);
  assert.ok(sm.id, 'resumable');
  const pong = await c.iqRaw('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), 'localhost');
  assert.equal(pong.attrs.type, 'result');
});

test('carbons enabled inside the Bind 2 request: the new session gets copies at once', async () => {
  const raw = await RawClient.connect(fx.server.xmppPorts.tls!, true);
  await raw.open();
  raw.send(x('authenticate', { xmlns: 'urn:xmpp:sasl:2', mechanism: 'PLAIN' },
    x('initial-response', null, Buffer.from('\0alice\0alice-pw').toString('base64')),
    x('user-agent', { id: 'b1f0c2d3-raw' }),
    x('bind', { xmlns: 'urn:xmpp:bind:0' }, x('tag', null, 'Raw'), x('enable', { xmlns: 'urn:xmpp:carbons:2' }))).toString());
  const success = await raw.next();
  assert.equal(success.name, 'success', String(success));
  // XEP-0386 with XEP-0313: where alice's archive stood at binding (bob's message of the first test is in it).
  const meta = success.getChild('bound', 'urn:xmpp:bind:0')?.getChild('metadata', 'urn:xmpp:mam:2');
  assert.ok(meta?.getChild('start')?.attr('id') && meta.getChild('end')?.attr('id'), String(success));
  const archived = await (async () => {
    const c = await login('alice', 'mam-check');
    return c.iqRaw('get', xml('metadata', { xmlns: 'urn:xmpp:mam:2' }));
  })();
  assert.equal(archived.getChild('metadata', 'urn:xmpp:mam:2').getChild('end').attrs.id, meta!.getChild('end')!.attr('id'), 'the same as the metadata query');
  await raw.next(); // features
  const desk = await login('alice', 'desk');
  await desk.send(xml('message', { to: 'bob@localhost', type: 'chat', id: 'c1' }, xml('body', {}, 'copied?')));
  const carbon = await raw.until((el) => el.name === 'message');
  const fwd = carbon.getChild('sent', 'urn:xmpp:carbons:2')?.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message');
  assert.equal(fwd?.getChildText('body'), 'copied?', String(carbon));
  raw.destroy();
});

test('<inactive/> inside the Bind 2 request: the session starts inactive (chat states wait, a body flushes)', async () => {
  const raw = await RawClient.connect(fx.server.xmppPorts.tls!, true);
  await raw.open();
  raw.send(x('authenticate', { xmlns: 'urn:xmpp:sasl:2', mechanism: 'PLAIN' },
    x('initial-response', null, Buffer.from('\0alice\0alice-pw').toString('base64')),
    x('user-agent', { id: 'c2e1d3f4-csi' }),
    x('bind', { xmlns: 'urn:xmpp:bind:0' }, x('tag', null, 'Pocket'), x('inactive', { xmlns: 'urn:xmpp:csi:0' }))).toString());
  const jid = (await raw.next()).getChildText('authorization-identifier')!;
  await raw.next(); // features
  const bob = await login('bob', 'csi-desk');
  await bob.send(xml('presence'));
  await bob.next(isPresence(bob.jid), 'own presence');
  await bob.send(xml('message', { to: jid, type: 'chat' }, xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
  await new Promise((r) => setTimeout(r, 600));
  await assert.rejects(raw.next(300), /timed out/, 'a chat state does not wake an inactive client');
  await bob.send(xml('message', { to: jid, type: 'chat' }, xml('body', {}, 'wake up')));
  const first = await raw.until((el) => el.name === 'message');
  assert.ok(first.getChild('composing', 'http://jabber.org/protocol/chatstates'), `held chat state first: ${first}`);
  assert.equal((await raw.until((el) => el.name === 'message')).getChildText('body'), 'wake up');
  raw.destroy();
});
