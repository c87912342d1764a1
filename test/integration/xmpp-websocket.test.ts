// XMPP over WebSocket (RFC 7395) on the Matrix HTTP listener: a real client (@xmpp/client) logs
// in over ws:// and talks with a TCP user; bad framing gets the RFC's stream error and close;
// XEP-0156 host-meta names the endpoint; a connection that is not private gets no SASL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket as WsWebSocket } from 'ws';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { ImClient, isMessage, isPresence, xml } from './xmpp-im-support/im-client.js';

// @xmpp/websocket uses the global WebSocket, which Node 20 only has behind a flag; the ws
// package's client speaks the same DOM-style API.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WsWebSocket;

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
const OPEN = `<open xmlns='${FRAMING}' to='localhost' version='1.0'/>`;

let wsUrl: string;
const fx = useXmppServer(['alice', 'bob'], {
  ready: (server) => { wsUrl = `${server.matrixUrl.replace(/^http/, 'ws')}/xmpp-websocket`; },
});

test('a real client logs in over WebSocket and chats with a TCP client', async () => {
  const alice = fx.track(await ImClient.login(wsUrl, 'alice', 'alice-pw', 'web'));
  const bob = await fx.login('bob', 'desk');
  assert.equal(alice.jid, 'alice@localhost/web');
  for (const c of [alice, bob]) {
    await c.send(xml('presence'));
    await c.next(isPresence(c.jid), 'own presence', 10_000);
  }
  await alice.send(xml('message', { to: 'bob@localhost/desk', type: 'chat', id: 'w1' }, xml('body', {}, 'hi over websocket')));
  const got = await bob.next(isMessage('hi over websocket'), 'message from the WebSocket user', 10_000);
  assert.equal(got.attrs.from, 'alice@localhost/web');
  await bob.send(xml('message', { to: 'alice@localhost/web', type: 'chat', id: 'w2' }, xml('body', {}, 'hi back over tcp')));
  const reply = await alice.next(isMessage('hi back over tcp'), 'reply from the TCP user', 10_000);
  assert.equal(reply.attrs.from, 'bob@localhost/desk');
  assert.equal(reply.attrs.xmlns, 'jabber:client');
});

/** A scripted WebSocket client: every message it receives, and how the connection closed. */
class RawWs {
  readonly messages: string[] = [];
  closeCode: number | null = null;
  private wake: (() => void) | null = null;

  private constructor(readonly ws: WsWebSocket) {
    ws.on('message', (d) => { this.messages.push(String(d)); this.poke(); });
    ws.on('close', (code) => { this.closeCode = code; this.poke(); });
    ws.on('error', () => undefined);
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<RawWs> {
    const ws = new WsWebSocket(url, ['xmpp'], { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawWs(ws)));
      ws.once('error', reject);
    });
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Waits until `cond` holds; fails with what arrived after 10 s. */
  async until(cond: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`no ${what}; got ${JSON.stringify(this.messages)} close=${this.closeCode}`);
      await new Promise<void>((r) => { this.wake = r; setTimeout(r, 200); });
    }
  }

  /** Expects: <open/>, a stream error with `condition`, <close/>, then the WebSocket closed. */
  async expectStreamError(condition: string): Promise<void> {
    await this.until(() => this.closeCode !== null, 'close');
    const all = this.messages.join('\n');
    assert.match(this.messages[0]!, /^<open [^>]*xmlns='urn:ietf:params:xml:ns:xmpp-framing'/, all);
    const err = this.messages.find((m) => m.startsWith('<stream:error'));
    assert.ok(err, `no stream error in ${all}`);
    assert.match(err, /xmlns:stream='http:\/\/etherx\.jabber\.org\/streams'/);
    assert.match(err, new RegExp(`<${condition} xmlns=['"]urn:ietf:params:xml:ns:xmpp-streams['"]`));
    assert.match(this.messages.at(-1)!, /^<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'\/>$/);
  }
}

test('a first message that is not <open/> is refused with a stream error', async () => {
  const c = await RawWs.open(wsUrl);
  c.ws.send("<message xmlns='jabber:client' to='bob@localhost'><body>x</body></message>");
  await c.expectStreamError('bad-format');
});

test('a TCP stream header over WebSocket (an unclosed element) is bad format', async () => {
  const c = await RawWs.open(wsUrl);
  c.ws.send("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>");
  await c.expectStreamError('bad-format');
});

test('not-well-formed XML in a message ends the stream', async () => {
  const c = await RawWs.open(wsUrl);
  c.ws.send(OPEN);
  await c.until(() => c.messages.some((m) => m.startsWith('<stream:features')), 'features');
  c.ws.send("<message xmlns='jabber:client'><body>unclosed</message>");
  await c.expectStreamError('not-well-formed');
});

test('two elements in one message are bad format', async () => {
  const c = await RawWs.open(wsUrl);
  c.ws.send(OPEN);
  await c.until(() => c.messages.some((m) => m.startsWith('<stream:features')), 'features');
  c.ws.send("<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>");
  await c.expectStreamError('bad-format');
});

test('a binary message ends the stream', async () => {
  const c = await RawWs.open(wsUrl);
  c.ws.send(Buffer.from(OPEN), { binary: true });
  await c.expectStreamError('bad-format');
});

test('<open/> is answered with <open/> and features; <close/> with <close/>', async () => {
  const c = await RawWs.open(wsUrl);
  c.ws.send(OPEN);
  await c.until(() => c.messages.length >= 2, 'open and features');
  assert.match(c.messages[0]!, /^<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' id='[^']+' from='localhost' version='1.0'/);
  assert.match(c.messages[1]!, /<mechanism>SCRAM-SHA-256<\/mechanism>/, 'loopback counts as private: SASL is offered');
  assert.doesNotMatch(c.messages[1]!, /starttls|PLUS|sasl-channel-binding/, 'TLS is not ours to bind to');
  c.ws.send(`<close xmlns='${FRAMING}'/>`);
  await c.until(() => c.closeCode !== null, 'close');
  assert.equal(c.messages.at(-1), `<close xmlns='${FRAMING}'/>`);
});

/** How a WebSocket handshake ends: 'open' or the HTTP status of the refusal. */
async function handshake(protocols: string[], headers: Record<string, string> = {}): Promise<string> {
  const ws = new WsWebSocket(wsUrl, protocols, { headers });
  const outcome = await new Promise<string>((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
    ws.once('error', (err) => resolve(`error ${err.message}`));
  });
  ws.terminate();
  return outcome;
}

test('a WebSocket that a trusted proxy says came over plain http is refused (it could never authenticate)', async () => {
  assert.equal(await handshake(['xmpp'], { 'X-Forwarded-Proto': 'http' }), 'status 403');
  assert.equal(await handshake(['xmpp'], { 'X-Forwarded-Proto': 'https' }), 'open');
});

test('the xmpp subprotocol is required', async () => {
  assert.equal(await handshake(['chat']), 'status 400');
  assert.equal(await handshake([]), 'status 400');
});

test('an upgrade on another path is refused', async () => {
  const ws = new WsWebSocket(`${wsUrl}-nope`, ['xmpp']);
  const outcome = await new Promise<string>((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
    ws.once('error', (err) => resolve(`error ${err.message}`));
  });
  ws.terminate();
  assert.equal(outcome, 'status 404');
});

test('an <open/> for another domain gets host-unknown', async () => {
  const c = await RawWs.open(wsUrl);
  c.ws.send(`<open xmlns='${FRAMING}' to='elsewhere.example' version='1.0'/>`);
  await c.expectStreamError('host-unknown');
});

test('host-meta and host-meta.json name the WebSocket endpoint (XEP-0156)', async () => {
  const xrd = await fetch(`${fx.server.matrixUrl}/.well-known/host-meta`);
  assert.equal(xrd.status, 200);
  assert.equal(xrd.headers.get('access-control-allow-origin'), '*');
  const text = await xrd.text();
  assert.match(text, /<XRD xmlns='http:\/\/docs\.oasis-open\.org\/ns\/xri\/xrd-1\.0'>/);
  assert.ok(text.includes(`<Link rel='urn:xmpp:alt-connections:websocket' href='${wsUrl}'/>`), text);
  const jrd = await fetch(`${fx.server.matrixUrl}/.well-known/host-meta.json`);
  assert.equal(jrd.status, 200);
  assert.deepEqual(await jrd.json(), { links: [{ rel: 'urn:xmpp:alt-connections:websocket', href: wsUrl }] });
  const post = await fetch(`${fx.server.matrixUrl}/.well-known/host-meta`, { method: 'POST' });
  assert.equal(post.status, 405);
  // Other paths still reach the Matrix API.
  const versions = await fetch(`${fx.server.matrixUrl}/_matrix/client/versions`);
  assert.equal(versions.status, 200);
});

test('a server shutdown ends WebSocket streams with <system-shutdown/> and <close/>', async () => {
  const c = await RawWs.open(wsUrl);
  c.ws.send(OPEN);
  await c.until(() => c.messages.length >= 2, 'open and features');
  await fx.restart();
  await c.expectStreamError('system-shutdown');
});
