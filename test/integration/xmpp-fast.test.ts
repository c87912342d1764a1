// XEP-0484 FAST on the full server: @xmpp/client asks for a token while logging in with its
// password, then logs in with the token alone; a password change (and deactivation) ends the
// token. Scripted: the inline feature, a wrong token, replayed counters, invalidation, rotation,
// and the malformed requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { client, xml } from '@xmpp/client';
import { startTestServer, type TestServer } from './harness.js';
import { RawClient } from './xmpp-support/raw-client.js';
import { CONNECT_TIMEOUT_MS } from './xmpp-im-support/im-client.js';
import { x, type XmlElement } from '../../src/xmpp/xml/element.js';
import { fastSettings } from '../../src/xmpp/modules/xep-0484-fast/tokens.js';
import { serverEndPoint } from '../../src/xmpp/sasl/channel-binding.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const NS_SASL2 = 'urn:xmpp:sasl:2';
const NS_FAST = 'urn:xmpp:fast:0';
const MECH = 'HT-SHA-256-NONE';
let server: TestServer;

before(async () => {
  server = await startTestServer();
  for (const u of ['carol', 'dave', 'erin']) await server.addUser(u, `${u}-pw`);
});
after(async () => { await server.destroy(); });

interface Token { mechanism: string; token: string; expiry: string }
interface FastApi { saveToken(t: Token): Promise<void>; fetchToken(): Promise<Token | null | undefined> }

function fastClient(username: string, password: string | undefined, uaId: string, stored?: Token) {
  const c = client({ service: `xmpp://127.0.0.1:${server.xmppPorts.starttls}`, domain: 'localhost', username, password, timeout: CONNECT_TIMEOUT_MS,
    userAgent: xml('user-agent', { id: uaId }, xml('software', {}, 'hearth-tests')) });
  c.on('error', () => undefined);
  const fast = (c as unknown as { fast: FastApi }).fast;
  const saved: Token[] = [];
  fast.saveToken = async (t) => { saved.push(t); };
  fast.fetchToken = async () => stored;
  return { c, saved };
}

async function stop(c: ReturnType<typeof client>): Promise<void> {
  (c as unknown as { reconnect: { stop(): void } }).reconnect.stop();
  await c.stop().catch(() => undefined);
}

test('@xmpp/client: a token with the password, then a login with the token alone; a password change ends it', async () => {
  const first = fastClient('carol', 'carol-pw', 'ua-carol');
  await first.c.start();
  await stop(first.c);
  assert.equal(first.saved.length, 1, 'the server gave a token');
  const token = first.saved[0]!;
  assert.equal(token.mechanism, MECH);
  assert.ok(new Date(token.expiry).getTime() > Date.now() + 24 * 3600 * 1000);

  const second = fastClient('carol', undefined, 'ua-carol', token);
  const jid = await second.c.start();
  assert.equal(jid.bare().toString(), 'carol@localhost', 'logged in without a password');
  const pong = await second.c.iqCaller.request(xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
  assert.equal(pong.attrs.type, 'result');
  await stop(second.c);

  await server.core.accounts.setPassword('carol', 'changed-pw');
  const third = fastClient('carol', undefined, 'ua-carol', token);
  await assert.rejects(third.c.start());
  await stop(third.c);
  // What the user sees on the wire: the token is refused.
  const raw = await tls();
  raw.send(htAuth('carol', token.token, 'ua-carol'));
  assert.equal(condition(await raw.next()), 'not-authorized');
  raw.destroy();
});

async function tls(): Promise<RawClient> {
  const c = await RawClient.connect(server.xmppPorts.tls!, true);
  const features = await c.open();
  assert.ok(features.getChild('authentication', NS_SASL2)?.getChild('inline')?.getChild('fast', NS_FAST));
  return c;
}

const condition = (f: XmlElement) => (f.name === 'failure' ? f.elements().find((e) => f.nsOf(e) === 'urn:ietf:params:xml:ns:xmpp-sasl')?.name : f.name);

function htAuth(user: string, token: string, uaId: string | null, fastAttrs: Record<string, string> = {}, ...extra: XmlElement[]): string {
  const proof = createHmac('sha256', token).update('Initiator').digest();
  return x('authenticate', { xmlns: NS_SASL2, mechanism: MECH },
    x('initial-response', null, Buffer.concat([Buffer.from(`${user}\0`), proof]).toString('base64')),
    uaId ? x('user-agent', { id: uaId }) : null,
    x('fast', { xmlns: NS_FAST, ...fastAttrs }), extra).toString();
}

/** PLAIN with <request-token/>: the token from <success/>. */
async function passwordLogin(user: string, uaId: string, mechanism = MECH): Promise<string> {
  const c = await tls();
  c.send(x('authenticate', { xmlns: NS_SASL2, mechanism: 'PLAIN' },
    x('initial-response', null, Buffer.from(`\0${user}\0${user}-pw`).toString('base64')),
    x('user-agent', { id: uaId }), x('request-token', { xmlns: NS_FAST, mechanism })).toString());
  const success = await c.next();
  c.destroy();
  const token = success.getChild('token', NS_FAST);
  assert.ok(token, String(success));
  assert.match(token.attr('expiry')!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return token.attr('token')!;
}

/** A FAST login; the success (with the server's proof checked) or the failure. */
async function fastLogin(user: string, token: string, uaId: string | null, fastAttrs: Record<string, string> = {}, ...extra: XmlElement[]): Promise<XmlElement> {
  const c = await tls();
  c.send(htAuth(user, token, uaId, fastAttrs, ...extra));
  const outcome = await c.next();
  c.destroy();
  if (outcome.name === 'success') {
    const expected = createHmac('sha256', token).update('Responder').digest().toString('base64');
    assert.equal(outcome.getChildText('additional-data'), expected, 'the server proves it knows the token');
    assert.equal(outcome.getChildText('authorization-identifier'), `${user}@localhost`);
  }
  return outcome;
}

test('replay protection: each count must be higher than the last one accepted for the token', async () => {
  const token = await passwordLogin('dave', 'ua-dave');
  assert.equal((await fastLogin('dave', token, 'ua-dave', { count: '1' })).name, 'success');
  assert.equal(condition(await fastLogin('dave', token, 'ua-dave', { count: '1' })), 'not-authorized');
  assert.equal(condition(await fastLogin('dave', token, 'ua-dave', { count: '0' })), 'not-authorized');
  assert.equal((await fastLogin('dave', token, 'ua-dave', { count: '2' })).name, 'success');
});

test('a wrong token, another client\'s token, and the malformed FAST requests fail clearly', async () => {
  const token = await passwordLogin('erin', 'ua-erin');
  assert.equal(condition(await fastLogin('erin', 'not-the-token', 'ua-erin')), 'not-authorized');
  assert.equal(condition(await fastLogin('erin', token, 'ua-other')), 'not-authorized', 'tokens belong to one client');
  assert.equal(condition(await fastLogin('dave', token, 'ua-erin')), 'not-authorized', 'and to one account');
  assert.equal(condition(await fastLogin('erin', token, null)), 'malformed-request', 'FAST needs a user-agent id');
  assert.equal(condition(await fastLogin('erin', token, 'ua-erin', { count: 'many' })), 'malformed-request');
  assert.equal(condition(await fastLogin('erin', token, 'ua-erin', {}, x('request-token', { xmlns: NS_FAST, mechanism: 'HT-MD5-NONE' }))), 'invalid-mechanism');
  // The HT mechanism without <fast/>, and <fast/> with a password mechanism.
  const c = await tls();
  const proof = createHmac('sha256', token).update('Initiator').digest();
  c.send(x('authenticate', { xmlns: NS_SASL2, mechanism: MECH }, x('initial-response', null, Buffer.concat([Buffer.from('erin\0'), proof]).toString('base64')), x('user-agent', { id: 'ua-erin' })).toString());
  assert.equal(condition(await c.next()), 'invalid-mechanism');
  c.send(x('authenticate', { xmlns: NS_SASL2, mechanism: 'PLAIN' }, x('initial-response', null, Buffer.from('\0erin\0erin-pw').toString('base64')), x('user-agent', { id: 'ua-erin' }), x('fast', { xmlns: NS_FAST })).toString());
  assert.equal(condition(await c.next()), 'malformed-request');
  c.destroy();
  assert.equal((await fastLogin('erin', token, 'ua-erin')).name, 'success', 'none of that harmed the token');
});

test('invalidate: a logout ends the token at once, and no new token comes unless asked for', async () => {
  const token = await passwordLogin('erin', 'ua-erin-2');
  const out = await fastLogin('erin', token, 'ua-erin-2', { invalidate: 'true' });
  assert.equal(out.name, 'success');
  assert.equal(out.getChild('token', NS_FAST), undefined);
  assert.equal(condition(await fastLogin('erin', token, 'ua-erin-2')), 'not-authorized');
});

test('rotation: near expiry a new token comes; the old one works until the new one is used', async () => {
  const old = await passwordLogin('dave', 'ua-dave-2');
  const saved = fastSettings.rotateWithinSeconds;
  fastSettings.rotateWithinSeconds = fastSettings.lifetimeSeconds + 60; // every token is due
  try {
    const out = await fastLogin('dave', old, 'ua-dave-2');
    const lost = out.getChild('token', NS_FAST)?.attr('token');
    assert.ok(lost && lost !== old, String(out));
    // The client never got that one (say the connection dropped): the old token still works,
    // and the success brings another new token, which replaces the one never used.
    const again = await fastLogin('dave', old, 'ua-dave-2');
    assert.equal(again.name, 'success', 'the new token may not have arrived');
    const fresh = again.getChild('token', NS_FAST)!.attr('token')!;
    assert.equal(condition(await fastLogin('dave', lost, 'ua-dave-2')), 'not-authorized', 'a token never used is replaced');
    assert.equal((await fastLogin('dave', fresh, 'ua-dave-2')).name, 'success');
    assert.equal(condition(await fastLogin('dave', old, 'ua-dave-2')), 'not-authorized', 'using the new one retired the old');
  } finally {
    fastSettings.rotateWithinSeconds = saved;
  }
});

test('account deactivation ends the tokens', async () => {
  await server.addUser('frank', 'frank-pw');
  const token = await passwordLogin('frank', 'ua-frank');
  server.core.accounts.deactivate('frank');
  assert.equal(condition(await fastLogin('frank', token, 'ua-frank')), 'not-authorized');
});

/** What the client side of a TLS connection computes for each channel-binding HT mechanism. */
const clientBinding: Record<string, (c: RawClient) => Buffer> = {
  'HT-SHA-256-EXPR': (c) => c.tlsSocket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0)),
  'HT-SHA-256-ENDP': (c) => serverEndPoint(c.tlsSocket.getPeerCertificate().raw)!,
};

/** A FAST login with a channel-binding mechanism; `proofFrom` makes the proof on another connection (a relay). */
async function boundLogin(mechanism: string, user: string, token: string, uaId: string, proofFrom?: RawClient): Promise<XmlElement> {
  const c = await tls();
  const cb = clientBinding[mechanism]!(proofFrom ?? c);
  const proof = createHmac('sha256', token).update('Initiator').update(cb).digest();
  c.send(x('authenticate', { xmlns: NS_SASL2, mechanism },
    x('initial-response', null, Buffer.concat([Buffer.from(`${user}\0`), proof]).toString('base64')),
    x('user-agent', { id: uaId }), x('fast', { xmlns: NS_FAST })).toString());
  const outcome = await c.next();
  c.destroy();
  if (outcome.name === 'success') {
    const expected = createHmac('sha256', token).update('Responder').update(cb).digest().toString('base64');
    assert.equal(outcome.getChildText('additional-data'), expected, 'the server proves it knows the token, on this connection');
  }
  return outcome;
}

test('channel binding: EXPR and ENDP tokens log in with their own connection\'s binding; a relayed proof fails', async () => {
  await server.addUser('gina', 'gina-pw');
  const c = await RawClient.connect(server.xmppPorts.tls!, true);
  const features = await c.open();
  const offered = features.getChild('authentication', NS_SASL2)!.getChild('inline')!.getChild('fast', NS_FAST)!.getChildren('mechanism').map((m) => m.text());
  assert.deepEqual(offered, ['HT-SHA-256-EXPR', 'HT-SHA-256-ENDP', 'HT-SHA-256-NONE'], 'TLS 1.3 gives both bindings');
  for (const mech of ['HT-SHA-256-EXPR', 'HT-SHA-256-ENDP']) {
    const token = await passwordLogin('gina', `ua-${mech}`, mech);
    assert.equal((await boundLogin(mech, 'gina', token, `ua-${mech}`)).name, 'success', mech);
    // The token with the binding of another TLS connection: what a man in the middle relays.
    if (mech === 'HT-SHA-256-EXPR') assert.equal(condition(await boundLogin(mech, 'gina', token, `ua-${mech}`, c)), 'not-authorized', 'relayed');
    // The same token under the unbound mechanism, or another bound one, does not pass either.
    assert.equal(condition(await fastLogin('gina', token, `ua-${mech}`)), 'not-authorized', `${mech} token as -NONE`);
  }
  c.destroy();
  // A token request for a mechanism this connection cannot run is refused.
  const other = await tls();
  other.send(x('authenticate', { xmlns: NS_SASL2, mechanism: 'PLAIN' },
    x('initial-response', null, Buffer.from('\0gina\0gina-pw').toString('base64')),
    x('user-agent', { id: 'ua-x' }), x('request-token', { xmlns: NS_FAST, mechanism: 'HT-SHA-256-UNIQ' })).toString());
  assert.equal(condition(await other.next()), 'invalid-mechanism');
  other.destroy();
});
