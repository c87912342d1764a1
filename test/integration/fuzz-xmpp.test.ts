// Bad input of every kind on XMPP client streams, by seeded mutation of valid stanzas: attributes
// dropped or given odd values, children dropped, added or moved to other namespaces, deep nesting,
// and broken bytes (truncation, undeclared entities, DTDs, invalid characters). Every iq get/set
// must be answered while the stream lives (RFC 6120 §8.2.3), a stream that ends must end with a
// stream error, and afterwards the server still logs people in and routes messages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { RawClient } from './xmpp-support/raw-client.js';
import { x, XmlElement, type XmlNode } from '../../src/xmpp/xml/element.js';
import { oddValue, pick, rng, type Rand } from './fuzz/mutate.js';

// CI runs one fixed seed; FUZZ_SEED and FUZZ_CASES run others by hand.
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CASES = Number(process.env.FUZZ_CASES ?? 800);
let server: TestServer;

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'bob']) await server.addUser(u, `${u}-pw`);
});
after(() => server.destroy());

const MUC = 'fuzz@conference.localhost';
const iq = (type: string, child: XmlElement, to?: string) => x('iq', { type, id: 'ID', to }, child);
const q = (xmlns: string, ...children: XmlNode[]) => x('query', { xmlns }, ...children);

/** Valid stanzas of the areas a client uses; 'ID' becomes a fresh id per case. */
const TEMPLATES: XmlElement[] = [
  x('message', { to: 'bob@localhost', type: 'chat', id: 'ID' }, x('body', {}, 'hi'), x('active', { xmlns: 'http://jabber.org/protocol/chatstates' }),
    x('request', { xmlns: 'urn:xmpp:receipts' }), x('markable', { xmlns: 'urn:xmpp:chat-markers:0' })),
  x('message', { to: 'bob@localhost', type: 'chat', id: 'ID' }, x('body', {}, '* fixed'), x('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'm1' })),
  x('message', { to: 'bob@localhost', type: 'chat', id: 'ID' }, x('reactions', { xmlns: 'urn:xmpp:reactions:0', id: 'm1' }, x('reaction', {}, '👍'))),
  x('message', { to: 'bob@localhost', type: 'chat', id: 'ID' }, x('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'm1' })),
  x('message', { to: MUC, type: 'groupchat', id: 'ID' }, x('body', {}, 'hello room')),
  x('presence', {}, x('priority', {}, '5'), x('show', {}, 'away'), x('c', { xmlns: 'http://jabber.org/protocol/caps', hash: 'sha-1', node: 'n', ver: 'v' })),
  x('presence', { to: `${MUC}/alice` }, x('x', { xmlns: 'http://jabber.org/protocol/muc' }, x('history', { maxstanzas: '5' }), x('password', {}, 'p'))),
  x('presence', { to: 'bob@localhost', type: 'subscribe' }),
  iq('get', q('jabber:iq:roster'), undefined),
  iq('set', q('jabber:iq:roster', x('item', { jid: 'bob@localhost', name: 'Bob' }, x('group', {}, 'Friends')))),
  iq('get', q('http://jabber.org/protocol/disco#info'), 'localhost'),
  iq('get', q('http://jabber.org/protocol/disco#items'), 'conference.localhost'),
  iq('set', q('urn:xmpp:mam:2', x('x', { xmlns: 'jabber:x:data', type: 'submit' },
    x('field', { var: 'FORM_TYPE', type: 'hidden' }, x('value', {}, 'urn:xmpp:mam:2')), x('field', { var: 'with' }, x('value', {}, 'bob@localhost'))),
  x('set', { xmlns: 'http://jabber.org/protocol/rsm' }, x('max', {}, '5'), x('before')))),
  iq('set', x('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, x('publish', { node: 'urn:xmpp:omemo:2:devices' },
    x('item', { id: 'current' }, x('devices', { xmlns: 'urn:xmpp:omemo:2' }, x('device', { id: '1' })))),
  x('publish-options', {}, x('x', { xmlns: 'jabber:x:data', type: 'submit' }, x('field', { var: 'FORM_TYPE' }, x('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
    x('field', { var: 'pubsub#access_model' }, x('value', {}, 'open')))))),
  iq('get', x('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, x('items', { node: 'urn:xmpp:bookmarks:1', max_items: '3' }))),
  iq('get', x('vCard', { xmlns: 'vcard-temp' })),
  iq('set', x('vCard', { xmlns: 'vcard-temp' }, x('NICKNAME', {}, 'Al'), x('PHOTO', {}, x('TYPE', {}, 'image/png'), x('BINVAL', {}, 'iVBORw0KGgo=')))),
  iq('set', x('block', { xmlns: 'urn:xmpp:blocking' }, x('item', { jid: 'spam@example.org' }))),
  iq('set', x('enable', { xmlns: 'urn:xmpp:carbons:2' })),
  iq('get', x('ping', { xmlns: 'urn:xmpp:ping' }), 'localhost'),
  iq('get', x('request', { xmlns: 'urn:xmpp:http:upload:0', filename: 'a.png', size: '1000', 'content-type': 'image/png' }), 'localhost'),
  iq('get', q('jabber:iq:private', x('storage', { xmlns: 'storage:bookmarks' }))),
  iq('set', q('http://jabber.org/protocol/muc#owner', x('x', { xmlns: 'jabber:x:data', type: 'submit' },
    x('field', { var: 'muc#roomconfig_roomname' }, x('value', {}, 'Fuzz')))), MUC),
  iq('set', q('http://jabber.org/protocol/muc#admin', x('item', { nick: 'bob', role: 'none' }, x('reason', {}, 'r'))), MUC),
  iq('get', q('jabber:iq:version'), 'localhost'),
  iq('get', x('services', { xmlns: 'urn:xmpp:extdisco:2' }), 'localhost'),
  // XEP-0486 room avatar and XEP-0490 displayed state (bridged to the room and to receipts).
  iq('set', x('vCard', { xmlns: 'vcard-temp' }, x('PHOTO', {}, x('TYPE', {}, 'image/png'), x('BINVAL', {}, 'iVBORw0KGgo='))), MUC),
  iq('get', x('vCard', { xmlns: 'vcard-temp' }), MUC),
  iq('set', x('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, x('publish', { node: 'urn:xmpp:mds:displayed:0' },
    x('item', { id: 'bob@localhost' }, x('displayed', { xmlns: 'urn:xmpp:mds:displayed:0' }, x('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: 'alice@localhost', id: '$x' })))))),
  x('a', { xmlns: 'urn:xmpp:sm:3', h: '0' }),
  x('active', { xmlns: 'urn:xmpp:csi:0' }),
];

function oddString(r: Rand): string {
  const v = oddValue(r);
  return pick(r, [typeof v === 'string' ? v : JSON.stringify(v) ?? '', '', ' ', 'a@b@c', '@localhost', 'localhost/', `${'x'.repeat(1100)}@localhost`,
    'bob@localhost/\u202e', '-1', '99999999999999999999', 'set', 'error', 'groupchat', 'urn:xmpp:mam:2', 'NaN']);
}

/** Every element inside `el` with the path of child indexes to it. */
function elementPaths(el: XmlElement, at: number[] = [], out: number[][] = []): number[][] {
  out.push(at);
  el.children.forEach((c, i) => { if (typeof c !== 'string') elementPaths(c, [...at, i], out); });
  return out;
}

function update(el: XmlElement, at: number[], fn: (e: XmlElement) => XmlElement | null): XmlElement | null {
  if (at.length === 0) return fn(el);
  const [i, ...rest] = at;
  const children = [...el.children];
  const next = update(children[i!] as XmlElement, rest, fn);
  if (next === null) children.splice(i!, 1);
  else children[i!] = next;
  return el.withChildren(children);
}

function mutateTree(r: Rand, root: XmlElement): XmlElement {
  const at = pick(r, elementPaths(root));
  const out = update(root, at, (e) => {
    const names = Object.keys(e.attrs).filter((n) => n !== 'xmlns' || r() < 0.3);
    return pick(r, [
      () => (names.length ? e.withAttrs({ [pick(r, names)]: undefined }) : e),
      () => (names.length ? e.withAttrs({ [pick(r, names)]: oddString(r) }) : e),
      () => e.withAttrs({ [pick(r, ['type', 'to', 'from', 'id', 'xml:lang', 'node', 'jid', 'var', 'h', 'max_items'])]: oddString(r) }),
      () => (at.length > 0 ? null : e),
      () => e.withChildren([...e.children, x(pick(r, ['body', 'x', 'query', 'item', 'unknown']), { xmlns: pick(r, ['jabber:client', 'urn:unknown', 'jabber:x:data', 'urn:xmpp:mam:2']) })]),
      () => e.withChildren([...e.children, ...e.children]),
      () => e.withChildren([oddString(r)]),
      () => e.withAttrs({ xmlns: pick(r, ['urn:unknown', 'jabber:server', 'http://etherx.jabber.org/streams', '']) }),
      () => e.withChildren([nest(r() < 0.5 ? 50 : 400)]),
    ])();
  });
  return out ?? root;
}

function nest(depth: number): XmlElement {
  let el = x('leaf');
  for (let i = 0; i < depth; i++) el = x('n', {}, el);
  return el;
}

/**
 * Marks a stanza cut short: the server rightly waits for the rest of it (the ping that follows is
 * inside it), so silence is no fault there.
 */
const TRUNCATED = '\u0000truncated\u0000';

/** Broken bytes: a stream that may end. */
function breakBytes(r: Rand, text: string): string {
  return pick(r, [
    () => TRUNCATED + text.slice(0, Math.max(1, Math.floor(r() * text.length))) + '<message/>',
    () => text.replace('>', '>&undefined;'),
    () => `<!DOCTYPE x [<!ENTITY a "aaaa">]>${text}`,
    () => `<?pi data?>${text}`,
    () => text.replace('>', '>\u0001'),
    () => text.replace('>', '><![CDATA[x]]>'),
    () => text.replace(/<(\w+)/, '<$1 a="1" a="2"'),
    () => text.replace(/<(\w+)/, '<p:$1'),
    () => `</stream:stream>${text}`,
    () => '\u00ff\u00fe<',
  ])();
}

interface Outcome { problem?: string; ended?: boolean; newSession?: boolean }

/**
 * Reads what the server sent after one case and its ping: the answer to the case's iq (`id`, when
 * it is an iq get/set) and the ping's, in any order (a vCard set does more work than a ping), or
 * the end of the stream.
 */
async function readCase(c: RawClient, want: { id: string | null; ping: string; truncated: boolean; closedByUs: boolean }): Promise<Outcome> {
  let answered = want.id === null;
  let pinged = false;
  while (!(answered && pinged)) {
    const ev = await c.nextEvent(want.truncated ? 1000 : 5000).catch(() => ({ type: 'timeout' as const }));
    if (ev.type === 'stanza' && ev.element.name === 'iq' && ev.element.attr('id') === want.id) answered = true;
    else if (ev.type === 'stanza' && ev.element.attr('id') === want.ping) pinged = true;
    else if (ev.type === 'timeout' && pinged) return { problem: 'the iq was not answered' };
    else if (ev.type === 'stanza' && ev.element.name === 'error') return { ended: true, newSession: true };
    // The client closed its stream first: the server closes its own, no error is due.
    else if (ev.type === 'close' && want.closedByUs) return { ended: true, newSession: true };
    else if (ev.type === 'timeout' && want.truncated) return { newSession: true };
    else if (ev.type === 'close' || ev.type === 'socket-closed' || ev.type === 'timeout') {
      return { problem: `the stream ended with no stream error (${ev.type})`, newSession: true };
    }
  }
  return {};
}

/** alice, signed in over STARTTLS as alice@localhost/fuzz. */
async function session(): Promise<RawClient> {
  const c = await RawClient.connect(server.xmppPorts.starttls!);
  await c.login('alice', 'alice-pw', 'fuzz');
  return c;
}

test(`${CASES} mutated stanzas: every iq answered, every ending a stream error; the server keeps serving`, async () => {
  const r = rng(SEED);
  const problems: string[] = [];
  let s = await session();
  let streamEnds = 0;
  const started = Date.now();
  for (let i = 0; i < CASES; i++) {
    const id = `f${i}`;
    const template = pick(r, TEMPLATES);
    const stanza = template.attrs.id === 'ID' ? template.withAttrs({ id }) : template;
    const bytes = r() < 0.1 ? breakBytes(r, stanza.toString()) : mutateTree(r, r() < 0.1 ? stanza : mutateTree(r, stanza)).toString();
    const truncated = bytes.startsWith(TRUNCATED);
    const sent = truncated ? bytes.slice(TRUNCATED.length) : bytes;
    const what = `#${i} ${sent.slice(0, 300)}`;
    s.send(sent);
    // A ping after each case: its answer shows the stream still lives.
    s.send(`<iq type='get' id='p${i}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
    const isIq = /^<iq\b/.test(sent) && /type=['"](get|set)['"]/.test(sent) && (sent.includes(`id="${id}"`) || sent.includes(`id='${id}'`));
    const outcome = await readCase(s, { id: isIq ? id : null, ping: `p${i}`, truncated, closedByUs: sent.startsWith('</stream:stream>') });
    if (outcome.problem) problems.push(`${what}: ${outcome.problem}`);
    if (outcome.ended) streamEnds++;
    if (outcome.newSession) {
      s.destroy();
      s = await session();
    }
    if (problems.length >= 10) break;
  }
  s.destroy();
  if (process.env.FUZZ_DEBUG) console.log({ streamEnds, ms: Date.now() - started });
  assert.deepEqual(problems, []);
  assert.ok(streamEnds > 0 && streamEnds < CASES / 2, `some cases end the stream, most do not (${streamEnds})`);

  // Afterwards: a login, and a message routed.
  const bob = await RawClient.connect(server.xmppPorts.starttls!);
  await bob.login('bob', 'bob-pw', 'after');
  bob.send("<presence/>");
  const alice = await session();
  alice.send("<message to='bob@localhost/after' type='chat' id='after'><body>still here</body></message>");
  const got = await bob.until((el) => el.name === 'message' && el.getChildText('body') === 'still here', 5000);
  assert.equal(got.attr('from'), 'alice@localhost/fuzz');
  alice.destroy();
  bob.destroy();
});

const PRE_AUTH_CASES = Number(process.env.FUZZ_PRE_AUTH_CASES ?? 300);
const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const SASL2 = 'urn:xmpp:sasl:2';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** What a client sends before it is authenticated, on a direct TLS stream after the header. */
const PRE_AUTH: XmlElement[] = [
  x('auth', { xmlns: SASL, mechanism: 'PLAIN' }, b64('\0alice\0wrong-pw')),
  x('auth', { xmlns: SASL, mechanism: 'SCRAM-SHA-256' }, b64('n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL')),
  x('auth', { xmlns: SASL, mechanism: 'SCRAM-SHA-256-PLUS' }, b64('p=tls-exporter,,n=alice,r=abc')),
  x('authenticate', { xmlns: SASL2, mechanism: 'SCRAM-SHA-256' }, x('initial-response', {}, b64('n,,n=alice,r=abc')),
    x('user-agent', { id: 'd4565fa7-4d72-4749-b3d3-740edbf87770' }, x('software', {}, 'fuzz'), x('device', {}, 'box')),
    x('bind', { xmlns: 'urn:xmpp:bind:0' }, x('tag', {}, 'fuzz'), x('enable', { xmlns: 'urn:xmpp:carbons:2' }))),
  x('authenticate', { xmlns: SASL2, mechanism: 'HT-SHA-256-NONE' }, x('initial-response', {}, b64('alice\0' + 'x'.repeat(32))),
    x('user-agent', { id: 'ua' }), x('fast', { xmlns: 'urn:xmpp:fast:0', count: '1' })),
  x('response', { xmlns: SASL2 }, b64('c=biws,r=abc,p=xyz')),
  x('abort', { xmlns: SASL2 }),
  x('starttls', { xmlns: 'urn:ietf:params:xml:ns:xmpp-tls' }),
  x('iq', { type: 'get', id: 'r1' }, x('query', { xmlns: 'jabber:iq:register' })),
  x('iq', { type: 'set', id: 'r2' }, x('query', { xmlns: 'jabber:iq:register' }, x('username', {}, 'x'), x('password', {}, 'y'))),
  x('resume', { xmlns: 'urn:xmpp:sm:3', h: '5', previd: 'abc' }),
  x('message', { to: 'bob@localhost' }, x('body', {}, 'before auth')),
];

/** A stream header with its attributes mutated (or the standard one). */
function preAuthHeader(r: Rand): string {
  if (r() < 0.7) return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
  return pick(r, [
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='elsewhere.example' version='1.0'>",
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='2.0'>",
    "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>",
    "<stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong' to='localhost' version='1.0'>",
    "<stream xmlns='jabber:client' to='localhost' version='1.0'>",
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
    `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${'x'.repeat(3000)}' version='1.0'>`,
    "<?xml version='1.1'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>",
    'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n',
  ]);
}

test(`${PRE_AUTH_CASES} mutated pre-authentication exchanges: each answered (an element or a stream error), never dropped silently`, async () => {
  const r = rng(SEED + 1);
  const problems: string[] = [];
  for (let i = 0; i < PRE_AUTH_CASES && problems.length < 10; i++) {
    const header = preAuthHeader(r);
    const element = pick(r, PRE_AUTH);
    const body = r() < 0.15 ? breakBytes(r, element.toString()) : mutateTree(r, r() < 0.2 ? element : mutateTree(r, element)).toString();
    const truncated = body.startsWith(TRUNCATED);
    const sent = truncated ? body.slice(TRUNCATED.length) : body;
    // An unfinished stanza waits for the rest; an iq result or error is never answered (RFC 6120 §8.2.3).
    const maySayNothing = truncated || /^<iq\b[^>]*\btype=["'](result|error)["']/.test(sent);
    const c = await RawClient.connect(server.xmppPorts.tls!, true);
    c.send(header + sent);
    // The server's stream header (or an error) first, then its features, then the answer.
    let answered = false;
    for (;;) {
      const ev = await c.nextEvent(maySayNothing ? 1000 : 4000).catch(() => ({ type: 'timeout' as const }));
      if (ev.type === 'stanza' && ev.element.name !== 'features') {
        answered = true;
        break;
      } else if (ev.type === 'close' || ev.type === 'socket-closed' || ev.type === 'error') {
        // A parse error on our side means the server sent something we cannot read: a problem.
        if (ev.type === 'error') problems.push(`#${i} ${header.slice(0, 80)} ${sent.slice(0, 200)}: unreadable answer (${ev.text})`);
        // A client that closes its stream first (</stream:stream>) is answered with the close.
        else if (!answered && !(ev.type === 'close' && sent.startsWith('</stream:stream>'))) {
          problems.push(`#${i} ${header.slice(0, 80)} ${sent.slice(0, 200)}: the stream ended with no answer (${ev.type})`);
        }
        break;
      } else if (ev.type === 'timeout') {
        if (!maySayNothing) problems.push(`#${i} ${header.slice(0, 80)} ${sent.slice(0, 200)}: no answer`);
        break;
      }
    }
    c.destroy();
  }
  assert.deepEqual(problems, []);
  // A proper login still works.
  const s = await session();
  s.destroy();
});
