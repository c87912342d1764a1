import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCondition } from './errors.js';
import { XmppServer } from './router.js';
import { discoModule } from './modules/xep-0030-disco.js';
import { pingClient, pingModule } from './modules/xep-0199-ping.js';
import type { C2sSession } from './stream/types.js';
import { x, type XmlElement } from './xml/element.js';
import { StreamParser } from './xml/stream-parser.js';

const silent = { debug() {}, info() {}, warn() {} };

class FakeSession implements C2sSession {
  readonly data = new Map<string, unknown>();
  readonly sent: XmlElement[] = [];
  readonly isTls = true;
  resource = '';
  closedWith: string | undefined | null = null;
  constructor(readonly username: string, private readonly server: XmppServer) {}
  get bareJid() { return `${this.username}@example.org`; }
  get jid() { return this.resource ? `${this.bareJid}/${this.resource}` : ''; }
  send(el: XmlElement | string): boolean {
    this.sent.push(typeof el === 'string' ? reparse(el) : el);
    return true;
  }
  close(condition?: string): void {
    if (this.closedWith !== null) return;
    this.closedWith = condition;
    this.server.closed(this);
  }
  bind(resource: string): this {
    const r = this.server.bind(this, resource);
    if (r !== 'conflict') this.resource = r;
    return this;
  }
  /** As the stream does: stamp from, hand to the host. */
  stanza(el: XmlElement): void {
    this.server.stanza(this, el.withAttrs({ from: this.jid }));
  }
  last(): XmlElement {
    return this.sent[this.sent.length - 1]!;
  }
}

function reparse(s: string): XmlElement {
  const p = new StreamParser();
  p.feed(`<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`);
  const ev = p.feed(s)[0];
  assert.ok(ev?.type === 'stanza');
  return ev.element;
}

function setup(opts: Partial<ConstructorParameters<typeof XmppServer>[0]> = {}) {
  const server = new XmppServer({ domain: 'example.org', logger: silent, ...opts });
  server.load(discoModule).load(pingModule);
  return server;
}

test('ping to the server, with and without to', () => {
  const server = setup();
  const a = new FakeSession('alice', server).bind('phone');
  a.stanza(x('iq', { type: 'get', id: 'p1', to: 'example.org' }, x('ping', { xmlns: 'urn:xmpp:ping' })));
  assert.equal(a.last().toString(), '<iq type="result" id="p1" from="example.org" to="alice@example.org/phone"/>');
  a.stanza(x('iq', { type: 'get', id: 'p2' }, x('ping', { xmlns: 'urn:xmpp:ping' })));
  assert.equal(a.last().attr('type'), 'result');
});

test('unknown iq to server or own bare JID → service-unavailable; results are ignored', () => {
  const server = setup();
  const a = new FakeSession('alice', server).bind('phone');
  a.stanza(x('iq', { type: 'get', id: 'u1', to: 'example.org' }, x('query', { xmlns: 'urn:unknown' })));
  assert.equal(errorCondition(a.last()), 'service-unavailable');
  assert.equal(a.last().attr('to'), 'alice@example.org/phone');
  a.stanza(x('iq', { type: 'set', id: 'u2', to: 'alice@example.org' }, x('query', { xmlns: 'urn:unknown' })));
  assert.equal(errorCondition(a.last()), 'service-unavailable');
  const n = a.sent.length;
  a.stanza(x('iq', { type: 'result', id: 'r', to: 'example.org' }));
  a.stanza(x('iq', { type: 'error', id: 'r', to: 'example.org' }));
  assert.equal(a.sent.length, n);
});

test('malformed iq and addresses', () => {
  const server = setup();
  const a = new FakeSession('alice', server).bind('phone');
  a.stanza(x('iq', { type: 'get', id: 'm1', to: 'example.org' }));
  assert.equal(errorCondition(a.last()), 'bad-request');
  a.stanza(x('iq', { type: 'get', id: 'm2', to: 'example.org' }, x('a'), x('b')));
  assert.equal(errorCondition(a.last()), 'bad-request');
  a.stanza(x('iq', { type: 'fetch', id: 'm3' }, x('a')));
  assert.equal(errorCondition(a.last()), 'bad-request');
  a.stanza(x('message', { to: 'bad@@jid', id: 'm4' }, x('body', null, 'x')));
  assert.equal(errorCondition(a.last()), 'jid-malformed');
  a.stanza(x('message', { to: 'someone@elsewhere.example', id: 'm5' }, x('body', null, 'x')));
  assert.equal(errorCondition(a.last()), 'remote-server-not-found');
});

test('iq to a full JID is routed to that session; unknown full JID → service-unavailable', () => {
  const server = setup();
  const a = new FakeSession('alice', server).bind('phone');
  const b = new FakeSession('bob', server).bind('laptop');
  a.stanza(x('iq', { type: 'get', id: 'v1', to: 'bob@example.org/laptop', from: 'mallory@evil' }, x('query', { xmlns: 'jabber:iq:version' })));
  assert.equal(b.last().attr('from'), 'alice@example.org/phone');
  b.stanza(x('iq', { type: 'result', id: 'v1', to: 'alice@example.org/phone' }));
  assert.equal(a.last().attr('type'), 'result');
  assert.equal(a.last().attr('from'), 'bob@example.org/laptop');
  a.stanza(x('iq', { type: 'get', id: 'v2', to: 'bob@example.org/gone' }, x('query', { xmlns: 'jabber:iq:version' })));
  assert.equal(errorCondition(a.last()), 'service-unavailable');
});

test('disco#info of the server lists identities and module features; items from modules', () => {
  const server = setup();
  server.features.add('urn:example:feature');
  server.items.add({ jid: 'conference.example.org', name: 'Rooms' });
  const a = new FakeSession('alice', server).bind('phone');
  a.stanza(x('iq', { type: 'get', id: 'd1', to: 'example.org' }, x('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
  const q = a.last().getChild('query', 'http://jabber.org/protocol/disco#info')!;
  assert.deepEqual(q.getChildren('identity').map((i) => `${i.attr('category')}/${i.attr('type')}`), ['server/im']);
  const features = q.getChildren('feature').map((f) => f.attr('var'));
  for (const f of ['http://jabber.org/protocol/disco#info', 'http://jabber.org/protocol/disco#items', 'urn:xmpp:ping', 'urn:example:feature']) assert.ok(features.includes(f), f);
  a.stanza(x('iq', { type: 'get', id: 'd2', to: 'example.org' }, x('query', { xmlns: 'http://jabber.org/protocol/disco#items' })));
  assert.equal(a.last().getChild('query')?.getChild('item')?.attr('jid'), 'conference.example.org');
  a.stanza(x('iq', { type: 'get', id: 'd3', to: 'example.org' }, x('query', { xmlns: 'http://jabber.org/protocol/disco#info', node: 'x' })));
  assert.equal(errorCondition(a.last()), 'item-not-found');
});

test('disco#info to a bare JID is answered for the account; unknown accounts get service-unavailable', () => {
  const server = setup({ userExists: (u) => u === 'alice' || u === 'carol' });
  const a = new FakeSession('alice', server).bind('phone');
  for (const to of ['alice@example.org', 'carol@example.org', undefined]) {
    a.stanza(x('iq', { type: 'get', id: 'b1', to }, x('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    const id = a.last().getChild('query')?.getChild('identity');
    assert.equal(`${id?.attr('category')}/${id?.attr('type')}`, 'account/registered', String(to));
  }
  a.stanza(x('iq', { type: 'get', id: 'b2', to: 'nobody@example.org' }, x('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
  assert.equal(errorCondition(a.last()), 'service-unavailable');
});

test('session registry, conflict replacement and closed hooks', async () => {
  const server = setup();
  const closed: string[] = [];
  const bound: string[] = [];
  server.onSessionClosed((s) => closed.push(s.jid));
  server.onSessionBound((s) => bound.push(s.jid));
  const a1 = new FakeSession('alice', server).bind('phone');
  const a2 = new FakeSession('alice', server).bind('laptop');
  await Promise.resolve();
  assert.deepEqual(bound, ['alice@example.org/phone', 'alice@example.org/laptop']);
  assert.deepEqual(server.sessionsOf('Alice@example.org').map((s) => s.resource), ['phone', 'laptop']);
  assert.equal(server.sessionFor('alice@example.org/laptop'), a2);
  const a3 = new FakeSession('alice', server).bind('phone');
  assert.equal(a1.closedWith, 'conflict');
  assert.equal(server.sessionFor('alice@example.org/phone'), a3);
  assert.deepEqual(closed, ['alice@example.org/phone']);
  a2.close();
  a2.close();
  assert.deepEqual(closed, ['alice@example.org/phone', 'alice@example.org/laptop']);
  assert.equal(server.sessionCount, 1);
  const refusing = setup({ resourceConflict: 'refuse' });
  new FakeSession('bob', refusing).bind('x');
  assert.equal(refusing.bind(new FakeSession('bob', refusing), 'x'), 'conflict');
});

test('message and presence hooks run first, by priority; default delivery to full JIDs', () => {
  const server = setup();
  const seen: string[] = [];
  server.message(() => { seen.push('low'); }, -1);
  server.message((ctx) => { seen.push('high'); return ctx.stanza.attr('id') === 'eaten'; }, 10);
  server.presence(() => { throw new Error('faulty module'); });
  const a = new FakeSession('alice', server).bind('phone');
  const b = new FakeSession('bob', server).bind('laptop');
  a.stanza(x('message', { to: 'bob@example.org/laptop', id: 'm1', type: 'chat' }, x('body', null, 'hi')));
  assert.deepEqual(seen, ['high', 'low']);
  assert.equal(b.last().getChildText('body'), 'hi');
  a.stanza(x('message', { to: 'bob@example.org/laptop', id: 'eaten' }));
  assert.equal(b.last().attr('id'), 'm1');
  a.stanza(x('presence', { to: 'bob@example.org/laptop' }));
  assert.equal(b.last().name, 'presence');
  // Unhandled message to a bare JID: nobody (no IM module yet) → service-unavailable.
  a.stanza(x('message', { to: 'bob@example.org', id: 'm2', type: 'chat' }));
  assert.equal(errorCondition(a.last()), 'service-unavailable');
  assert.equal(server.send('bob@example.org/laptop', x('message', { id: 'direct' })), true);
  assert.equal(b.last().attr('id'), 'direct');
  assert.equal(server.send('bob@example.org/none', x('message')), false);
});

test('components get stanzas for their domain', () => {
  const server = setup();
  const got: string[] = [];
  server.component('conference.example.org', (ctx) => got.push(ctx.stanza.name));
  const a = new FakeSession('alice', server).bind('phone');
  a.stanza(x('presence', { to: 'room@conference.example.org/nick' }));
  a.stanza(x('iq', { type: 'get', id: 'c', to: 'conference.example.org' }, x('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
  assert.deepEqual(got, ['presence', 'iq']);
});

test('iq handler exceptions become internal-server-error', () => {
  const server = setup();
  server.iq('urn:boom', 'get', () => { throw new Error('boom'); });
  const a = new FakeSession('alice', server).bind('phone');
  a.stanza(x('iq', { type: 'get', id: 'e', to: 'example.org' }, x('q', { xmlns: 'urn:boom' })));
  assert.equal(errorCondition(a.last()), 'internal-server-error');
  assert.throws(() => server.iq('urn:boom', 'get', () => undefined));
});

test('server-initiated ping via request(): answered, and unknown JID', async () => {
  const server = setup();
  const a = new FakeSession('alice', server).bind('phone');
  const pending = pingClient(server, 'alice@example.org/phone', 1000);
  const ping = a.last();
  assert.equal(ping.getChild('ping')?.xmlns, 'urn:xmpp:ping');
  a.stanza(x('iq', { type: 'result', id: ping.attr('id'), to: 'example.org' }));
  assert.equal(await pending, true);
  assert.equal(await pingClient(server, 'alice@example.org/nope', 1000), false);
  const keepAlive = setTimeout(() => undefined, 1000); // the tracker's timers are unref'd
  assert.equal(await pingClient(server, 'alice@example.org/phone', 20), false); // no answer: times out
  clearTimeout(keepAlive);
});
