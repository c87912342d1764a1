// XEP-0388 SASL2 with XEP-0386 Bind 2 and XEP-0198 inline, scripted byte by byte: what the
// feature offers, PLAIN and SCRAM through <authenticate/>, a bound full JID in <success/>, the
// features after it (no restart), inline stream management and resumption, and every bad input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startHarness, DOMAIN, type Harness } from './xmpp-support/harness.js';
import { RawClient } from './xmpp-support/raw-client.js';
import { ScramClient } from './xmpp-support/scram-client.js';
import { x, type XmlElement } from '../../src/xmpp/xml/element.js';

const NS_SASL2 = 'urn:xmpp:sasl:2';
const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_BIND2 = 'urn:xmpp:bind:0';
const NS_SM = 'urn:xmpp:sm:3';
const UA = '9a3c1f0e-6a2b-4c3d-8e9f-0a1b2c3d4e5f';
let h: Harness;

before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const b64 = (s: string) => Buffer.from(s).toString('base64');
const plain = (user: string, pw: string) => b64(`\0${user}\0${pw}`);
const condition = (failure: XmlElement) => failure.elements().find((e) => failure.nsOf(e) === NS_SASL)?.name;

/** A TLS stream at the point where authentication can start; returns its features. */
async function ready(): Promise<{ c: RawClient; features: XmlElement }> {
  const c = await RawClient.connect(h.tlsPort, true);
  return { c, features: await c.open() };
}

function authenticate(mechanism: string | undefined, initial: string | null, ...extra: XmlElement[]): string {
  return x('authenticate', { xmlns: NS_SASL2, mechanism },
    initial === null ? null : x('initial-response', null, initial),
    x('user-agent', { id: UA }, x('software', null, 'raw-test'), x('device', null, 'loopback')),
    extra).toString();
}

const bind = (...inline: XmlElement[]) => bindTagged('RawTest', ...inline);
const bindTagged = (tag: string, ...inline: XmlElement[]) => x('bind', { xmlns: NS_BIND2 }, x('tag', null, tag), inline);

test('the SASL2 feature: the classic mechanisms, with Bind 2 (SM, CSI inline) and SM resumption inline', async () => {
  const { c, features } = await ready();
  const auth = features.getChild('authentication', NS_SASL2);
  assert.ok(auth, `no SASL2 feature: ${features}`);
  const classic = features.getChild('mechanisms', NS_SASL)!.getChildren('mechanism').map((m) => m.text());
  assert.deepEqual(auth.getChildren('mechanism').map((m) => m.text()), classic);
  assert.ok(classic.includes('SCRAM-SHA-256-PLUS') && classic.includes('PLAIN'));
  const inline = auth.getChild('inline')!;
  const vars = inline.getChild('bind', NS_BIND2)!.getChild('inline')!.getChildren('feature').map((f) => f.attr('var'));
  assert.deepEqual(vars.sort(), ['urn:xmpp:csi:0', NS_SM]);
  assert.ok(inline.getChild('sm', NS_SM));
  assert.ok(features.getChild('sasl-channel-binding', 'urn:xmpp:sasl-cb:0'), 'XEP-0440 channel binding types are offered too');
  c.destroy();
});

test('before TLS (STARTTLS required) SASL2 is not offered, like SASL', async () => {
  const c = await RawClient.connect(h.starttlsPort);
  const features = await c.open();
  assert.equal(features.getChild('authentication', NS_SASL2), undefined);
  c.send(authenticate('PLAIN', plain('alice', 'wonderland')));
  const failure = await c.next();
  assert.equal(failure.name, 'failure');
  assert.equal(condition(failure), 'encryption-required');
  c.destroy();
});

test('PLAIN with Bind 2: <success/> names the full JID, <bound/>, then features without bind, no restart', async () => {
  const { c } = await ready();
  c.send(authenticate('PLAIN', plain('alice', 'wonderland'), bind()));
  const success = await c.next();
  assert.equal(success.name, 'success', String(success));
  assert.equal(success.xmlns, NS_SASL2);
  const jid = success.getChildText('authorization-identifier')!;
  assert.match(jid, /^alice@localhost\/RawTest\/[A-Za-z0-9_-]{12}$/);
  assert.ok(!jid.includes(UA), 'the user-agent id is never exposed');
  assert.ok(success.getChild('bound', NS_BIND2));
  const features = await c.next();
  assert.equal(features.name, 'features');
  assert.equal(features.getChild('bind', 'urn:ietf:params:xml:ns:xmpp-bind'), undefined, 'already bound');
  assert.ok(features.getChild('sm', NS_SM), 'SM may still be enabled the classic way');
  // The session is live: the server answers a ping to the full JID.
  c.send(x('iq', { type: 'get', id: 'p1', to: DOMAIN }, x('ping', { xmlns: 'urn:xmpp:ping' })).toString());
  const pong = await c.next();
  assert.equal(pong.attr('type'), 'result');
  assert.equal(pong.attr('to'), jid);

  // The same client (user-agent id and tag) gets the same resource; its older session is replaced.
  const second = await ready();
  second.c.send(authenticate('PLAIN', plain('alice', 'wonderland'), bind()));
  const again = await second.c.next();
  assert.equal(again.getChildText('authorization-identifier'), jid);
  assert.equal((await c.streamEnd()).condition, 'conflict');
  second.c.destroy();
});

test('without Bind 2: a bare JID, then the classic bind feature on the same stream', async () => {
  const { c } = await ready();
  c.send(authenticate('PLAIN', plain('bob', 'builder')));
  const success = await c.next();
  assert.equal(success.getChildText('authorization-identifier'), 'bob@localhost');
  const features = await c.next();
  assert.ok(features.getChild('bind', 'urn:ietf:params:xml:ns:xmpp-bind'));
  assert.equal(await c.bind('desk'), 'bob@localhost/desk');
  c.destroy();
});

test('SCRAM-SHA-256: challenge and response, the server signature in <additional-data/>', async () => {
  const { c } = await ready();
  const scram = new ScramClient('sha256', 'alice', 'wonderland');
  c.send(authenticate('SCRAM-SHA-256', b64(scram.first())));
  const challenge = await c.next();
  assert.equal(challenge.name, 'challenge');
  assert.equal(challenge.xmlns, NS_SASL2);
  const final = scram.final(Buffer.from(challenge.text(), 'base64').toString());
  c.send(x('response', { xmlns: NS_SASL2 }, b64(final)).toString());
  const success = await c.next();
  assert.equal(success.name, 'success');
  assert.ok(scram.verify(Buffer.from(success.getChildText('additional-data')!, 'base64').toString()), 'server signature verifies');
  assert.equal(success.getChildText('authorization-identifier'), 'alice@localhost');
  c.destroy();
});

test('SCRAM-SHA-256-PLUS bound to the TLS connection (tls-exporter, tls-server-end-point); a wrong binding is refused', async () => {
  for (const type of ['tls-exporter', 'tls-server-end-point']) {
    const { c } = await ready();
    const cb = type === 'tls-exporter'
      ? c.tlsSocket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0))
      : createHash('sha256').update(c.tlsSocket.getPeerCertificate().raw).digest();
    const scram = new ScramClient('sha256', 'alice', 'wonderland', undefined, `p=${type},,`, cb);
    c.send(authenticate('SCRAM-SHA-256-PLUS', b64(scram.first())));
    const challenge = await c.next();
    c.send(x('response', { xmlns: NS_SASL2 }, b64(scram.final(Buffer.from(challenge.text(), 'base64').toString()))).toString());
    const success = await c.next();
    assert.equal(success.name, 'success', `${type}: ${success}`);
    assert.ok(scram.verify(Buffer.from(success.getChildText('additional-data')!, 'base64').toString()));
    c.destroy();
  }
  const { c } = await ready();
  const scram = new ScramClient('sha256', 'alice', 'wonderland', undefined, 'p=tls-exporter,,', Buffer.alloc(32, 1));
  c.send(authenticate('SCRAM-SHA-256-PLUS', b64(scram.first())));
  const challenge = await c.next();
  c.send(x('response', { xmlns: NS_SASL2 }, b64(scram.final(Buffer.from(challenge.text(), 'base64').toString()))).toString());
  assert.equal(condition(await c.next()), 'not-authorized', 'a relayed exchange (other binding) fails');
  c.destroy();
});

test('failures: wrong password, unknown mechanism, bad base64, no mechanism, bad user-agent, stray response, abort', async () => {
  const { c } = await ready();
  const expect = async (sent: string, cond: string) => {
    c.send(sent);
    const f = await c.next();
    assert.equal(f.name, 'failure', String(f));
    assert.equal(f.xmlns, NS_SASL2);
    assert.equal(condition(f), cond, String(f));
    return f;
  };
  const wrong = await expect(authenticate('PLAIN', plain('alice', 'nope')), 'not-authorized');
  assert.equal(wrong.getChild('text'), undefined);
  const unknown = await expect(authenticate('DIGEST-MD5', null), 'invalid-mechanism');
  assert.match(unknown.getChildText('text')!, /DIGEST-MD5/);
  // Failures are counted per stream (3 allowed); a new stream for the rest.
  c.destroy();
  const d = (await ready()).c;
  const expectD = async (sent: string, cond: string) => {
    d.send(sent);
    const f = await d.next();
    assert.equal(condition(f), cond, String(f));
  };
  await expectD(authenticate('PLAIN', 'not base64!'), 'incorrect-encoding');
  await expectD(authenticate(undefined, plain('alice', 'wonderland')), 'malformed-request');
  d.destroy();
  const e = (await ready()).c;
  e.send(x('authenticate', { xmlns: NS_SASL2, mechanism: 'PLAIN' }, x('initial-response', null, plain('alice', 'wonderland')), x('user-agent')).toString());
  assert.equal(condition(await e.next()), 'malformed-request');
  e.send(x('response', { xmlns: NS_SASL2 }, 'AAAA').toString());
  assert.equal(condition(await e.next()), 'malformed-request');
  e.send(x('abort', { xmlns: NS_SASL2 }).toString());
  assert.equal(condition(await e.next()), 'aborted');
  e.send(authenticate('PLAIN', plain('alice', 'wonderland')));
  assert.equal((await e.next()).name, 'success', 'abort is not counted as a failure');
  e.destroy();
});

test('three failures end the stream', async () => {
  const { c } = await ready();
  for (let i = 0; i < 3; i++) c.send(authenticate('PLAIN', plain('alice', 'nope')));
  for (let i = 0; i < 3; i++) assert.equal((await c.next()).name, 'failure');
  assert.equal((await c.streamEnd()).condition, 'policy-violation');
});

test('authenticate twice, and anything but <response/> during an exchange, end the stream', async () => {
  const twice = (await ready()).c;
  twice.send(authenticate('PLAIN', plain('alice', 'wonderland')));
  assert.equal((await twice.next()).name, 'success');
  await twice.next(); // features
  twice.send(authenticate('PLAIN', plain('alice', 'wonderland')));
  assert.equal((await twice.streamEnd()).condition, 'policy-violation');

  const during = (await ready()).c;
  during.send(authenticate('SCRAM-SHA-256', b64(new ScramClient('sha256', 'alice', 'x').first())));
  assert.equal((await during.next()).name, 'challenge');
  during.send(authenticate('PLAIN', plain('alice', 'wonderland')));
  assert.equal((await during.streamEnd()).condition, 'policy-violation');

  const stanza = (await ready()).c;
  stanza.send(authenticate('SCRAM-SHA-256', b64(new ScramClient('sha256', 'alice', 'x').first())));
  assert.equal((await stanza.next()).name, 'challenge');
  stanza.send(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${plain('alice', 'wonderland')}</auth>`);
  assert.equal((await stanza.streamEnd()).condition, 'policy-violation');
});

test('bind before authentication, classic or Bind 2, ends the stream', async () => {
  const classic = (await ready()).c;
  classic.send(`<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>`);
  assert.equal((await classic.streamEnd()).condition, 'not-authorized');
  const bind2 = (await ready()).c;
  bind2.send(bind().toString());
  assert.equal((await bind2.streamEnd()).condition, 'not-authorized');
});

test('XEP-0198 inline: <enable/> in the bind, then <resume/> in a new <authenticate/> after the connection drops', async () => {
  const { c } = await ready();
  c.send(authenticate('PLAIN', plain('bob', 'builder'), bind(x('enable', { xmlns: NS_SM, resume: 'true' }))));
  const success = await c.next();
  const enabled = success.getChild('bound', NS_BIND2)!.getChild('enabled', NS_SM);
  assert.ok(enabled, String(success));
  assert.equal(enabled.attr('resume'), 'true');
  const jid = success.getChildText('authorization-identifier')!;
  const features = await c.next();
  assert.equal(features.getChild('sm', NS_SM), undefined, 'SM is on already');
  c.send(x('iq', { type: 'get', id: 'p1', to: DOMAIN }, x('ping', { xmlns: 'urn:xmpp:ping' })).toString());
  await c.until((el) => el.name === 'iq');
  c.destroy();

  // A wrong previd: <failed/> in <success/>, and a new session is bound as asked (another tag:
  // the same client and tag would get the same resource and so replace the waiting session).
  const bad = (await ready()).c;
  bad.send(authenticate('PLAIN', plain('bob', 'builder'), x('resume', { xmlns: NS_SM, previd: 'nope', h: '0' }), bindTagged('Other')));
  const fresh = await bad.next();
  assert.equal(fresh.getChild('failed', NS_SM)?.elements()[0]?.name, 'item-not-found');
  assert.ok(fresh.getChild('bound', NS_BIND2));
  bad.destroy();

  const r = (await ready()).c;
  r.send(authenticate('PLAIN', plain('bob', 'builder'), x('resume', { xmlns: NS_SM, previd: enabled.attr('id'), h: '0' }), bind()));
  const resumed = await r.next();
  assert.equal(resumed.name, 'success', String(resumed));
  assert.equal(resumed.getChildText('authorization-identifier'), jid);
  const res = resumed.getChild('resumed', NS_SM)!;
  assert.equal(res.attr('h'), '1', 'the ping was handled');
  assert.equal(resumed.getChild('bound', NS_BIND2), undefined, 'a resumed session needs no bind');
  assert.equal((await r.next()).name, 'features');
  // The unacknowledged pong comes again, and the session works.
  const replay = await r.until((el) => el.name === 'iq');
  assert.equal(replay.attr('id'), 'p1');
  r.send(x('iq', { type: 'get', id: 'p2', to: DOMAIN }, x('ping', { xmlns: 'urn:xmpp:ping' })).toString());
  assert.equal((await r.until((el) => el.name === 'iq')).attr('id'), 'p2');
  r.destroy();
});
