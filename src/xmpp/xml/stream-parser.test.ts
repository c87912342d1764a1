import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamParser, type StreamEvent } from './stream-parser.js';

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0'>";

function feedAll(p: StreamParser, ...chunks: (string | Buffer)[]): StreamEvent[] {
  return chunks.flatMap((c) => p.feed(typeof c === 'string' ? Buffer.from(c) : c));
}

function errorOf(events: StreamEvent[]): string | undefined {
  const e = events.find((ev) => ev.type === 'error');
  return e?.type === 'error' ? e.condition : undefined;
}

function stanzas(events: StreamEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'stanza' ? [e.element.toString()] : []));
}

test('stream open reports attributes and the content namespace', () => {
  const ev = new StreamParser().feed(Buffer.from(HEADER));
  assert.equal(ev.length, 1);
  assert.equal(ev[0]!.type, 'open');
  if (ev[0]!.type !== 'open') return;
  assert.equal(ev[0]!.attrs.to, 'example.org');
  assert.equal(ev[0]!.attrs.version, '1.0');
  assert.equal(ev[0]!.contentNs, 'jabber:client');
});

test('stanzas come out whole; the content namespace is not repeated on them', () => {
  const ev = feedAll(new StreamParser(), HEADER, "<message to='a@b'><body>hi &amp; &#x263A;</body></message>");
  assert.deepEqual(stanzas(ev), ['<message to="a@b"><body>hi &amp; \u263A</body></message>']);
  const msg = ev.find((e) => e.type === 'stanza');
  assert.equal(msg?.type === 'stanza' && msg.element.xmlns, 'jabber:client');
});

test('chunk boundaries anywhere, including inside tags, attributes and the header', () => {
  const whole = HEADER + "<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq><presence/>";
  for (let cut = 1; cut < whole.length; cut += 7) {
    const ev = feedAll(new StreamParser(), whole.slice(0, cut), whole.slice(cut));
    assert.deepEqual(stanzas(ev), ['<iq type="get" id="1"><query xmlns="jabber:iq:roster"/></iq>', '<presence/>'], `cut at ${cut}`);
  }
});

test('multibyte UTF-8 split across chunks', () => {
  const bytes = Buffer.from(HEADER + '<message><body>é😀中</body></message>');
  const start = bytes.indexOf(0xc3); // inside 'é'
  for (const cut of [start + 1, start + 3, start + 4, start + 5, start + 8]) {
    const ev = feedAll(new StreamParser(), bytes.subarray(0, cut), bytes.subarray(cut));
    assert.deepEqual(stanzas(ev), ['<message><body>é😀中</body></message>'], `cut at ${cut}`);
  }
});

test('byte-by-byte feeding works', () => {
  const bytes = Buffer.from(HEADER + "<message type='chat'><body>ça va</body></message></stream:stream>");
  const p = new StreamParser();
  const ev: StreamEvent[] = [];
  for (let i = 0; i < bytes.length; i++) ev.push(...p.feed(bytes.subarray(i, i + 1)));
  assert.deepEqual(ev.map((e) => e.type), ['open', 'stanza', 'close']);
});

test('namespaces: prefixed children and inherited namespaces survive serialization', () => {
  const ev = feedAll(new StreamParser(), HEADER,
    "<message><x:e xmlns:x='urn:x' x:a='1'><body/></x:e><y xmlns='urn:y'><z/></y></message>");
  assert.deepEqual(stanzas(ev), ['<message><e xmlns="urn:x" x:a="1" xmlns:x="urn:x"><body xmlns="jabber:client"/></e><y xmlns="urn:y"><z/></y></message>']);
  const el = ev.find((e) => e.type === 'stanza');
  assert.ok(el?.type === 'stanza');
  assert.equal(el.element.getChild('y', 'urn:y')?.getChild('z', 'urn:y')?.xmlns, 'urn:y');
});

test('stream close', () => {
  const ev = feedAll(new StreamParser(), HEADER, '<presence/></stream:stream>trailing garbage');
  assert.deepEqual(ev.map((e) => e.type), ['open', 'stanza', 'close']);
});

test('not well-formed XML', () => {
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<message><body></message>')), 'not-well-formed');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, "<message a='1' a='2'/>")), 'not-well-formed');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<<<')), 'not-well-formed');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, Buffer.from([0x3c, 0x61, 0xff, 0x3e]))), 'not-well-formed');
});

test('stanzas before an error in the same chunk are still delivered', () => {
  const ev = feedAll(new StreamParser(), HEADER, '<presence/><message></iq>');
  assert.deepEqual(ev.map((e) => e.type), ['open', 'stanza', 'error']);
  assert.deepEqual(stanzas(ev), ['<presence/>']);
  const ev2 = feedAll(new StreamParser(), HEADER, '<presence/><<');
  assert.deepEqual(ev2.map((e) => e.type), ['open', 'stanza', 'error']);
});

test('restricted XML: DTD, entities, PIs, comments', () => {
  assert.equal(errorOf(feedAll(new StreamParser(), "<?xml version='1.0'?><!DOCTYPE stream [<!ENTITY x 'y'>]>" + HEADER.slice(21))), 'restricted-xml');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<!DOCTYPE foo>')), 'restricted-xml');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<message><body>&xxe;</body></message>')), 'restricted-xml');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, "<?php echo 1; ?>")), 'restricted-xml');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<message><?pi x?></message>')), 'restricted-xml');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<!-- hello -->')), 'restricted-xml');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<message><!-- x --></message>')), 'restricted-xml');
});

test('predefined entities and character references are fine', () => {
  const ev = feedAll(new StreamParser(), HEADER, "<message><body>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;</body></message>");
  assert.equal(errorOf(ev), undefined);
  const el = ev.find((e) => e.type === 'stanza');
  assert.equal(el?.type === 'stanza' && el.element.getChildText('body'), `<>&'"AB`);
});

test('wrong stream namespace, unbound prefix, non-UTF-8 declaration, text between stanzas', () => {
  assert.equal(errorOf(feedAll(new StreamParser(), "<stream:stream xmlns:stream='urn:wrong'>")), 'invalid-namespace');
  assert.equal(errorOf(feedAll(new StreamParser(), "<stream xmlns='jabber:client'>")), 'invalid-namespace');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<foo:bar/>')), 'bad-namespace-prefix');
  assert.equal(errorOf(feedAll(new StreamParser(), "<?xml version='1.0' encoding='ISO-8859-1'?>")), 'unsupported-encoding');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, 'hello<presence/>')), 'bad-format');
});

test('stanza size limit: exceeded while streaming, before the stanza ends', () => {
  const p = new StreamParser({ maxStanzaSize: 1000 });
  assert.equal(errorOf(feedAll(p, HEADER, '<message><body>')), undefined);
  // 2 KB of text, never closed: the limit triggers without waiting for the end tag.
  const ev = feedAll(p, 'a'.repeat(2000));
  assert.equal(errorOf(ev), 'policy-violation');
  assert.equal(p.finished, true);
  assert.deepEqual(p.feed(Buffer.from('</body></message>')), []);
});

test('stanza size limit counts bytes, not characters', () => {
  const body = 'é'.repeat(400); // 800 bytes, 400 chars
  assert.equal(errorOf(feedAll(new StreamParser({ maxStanzaSize: 600 }), HEADER, `<message><body>${body}</body></message>`)), 'policy-violation');
  assert.equal(errorOf(feedAll(new StreamParser({ maxStanzaSize: 900 }), HEADER, `<message><body>${body}</body></message>`)), undefined);
});

test('many small stanzas in one chunk do not add up against the limit', () => {
  const many = '<presence/>'.repeat(500);
  const ev = feedAll(new StreamParser({ maxStanzaSize: 300 }), HEADER, many);
  assert.equal(errorOf(ev), undefined);
  assert.equal(stanzas(ev).length, 500);
});

test('a huge stanza inside one big chunk is refused', () => {
  const ev = feedAll(new StreamParser({ maxStanzaSize: 10_000 }), HEADER + `<message><body>${'x'.repeat(100_000)}</body></message>`);
  assert.equal(errorOf(ev), 'policy-violation');
  assert.equal(stanzas(ev).length, 0);
});

test('a huge stream header is refused too', () => {
  const ev = feedAll(new StreamParser({ maxStanzaSize: 1000 }), `<stream:stream xmlns:stream='http://etherx.jabber.org/streams' a='${'x'.repeat(5000)}'>`);
  assert.equal(errorOf(ev), 'policy-violation');
});

test('whitespace keepalives are ignored and never accumulate against the limit', () => {
  const p = new StreamParser({ maxStanzaSize: 300 });
  feedAll(p, HEADER, '<presence/>');
  for (let i = 0; i < 1000; i++) assert.deepEqual(p.feed(Buffer.from(' \n')), []);
  assert.deepEqual(stanzas(p.feed(Buffer.from('<presence/>'))), ['<presence/>']);
});

test('reset starts a new stream (restart after STARTTLS/SASL)', () => {
  const p = new StreamParser();
  feedAll(p, HEADER, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>");
  p.reset();
  const ev = feedAll(p, HEADER, '<iq type="set" id="b"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>');
  assert.deepEqual(ev.map((e) => e.type), ['open', 'stanza']);
});

test('CDATA is text', () => {
  const ev = feedAll(new StreamParser(), HEADER, '<message><body><![CDATA[<b>&]]></body></message>');
  assert.deepEqual(stanzas(ev), ['<message><body>&lt;b&gt;&amp;</body></message>']);
});

test('characters XML does not allow are refused, in text, attributes and references', () => {
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<message><body>a\u0001b</body></message>')), 'not-well-formed');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, "<message id='a\u0008'/>")), 'not-well-formed');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<message><body>&#0;</body></message>')), 'not-well-formed');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<message><body>&#xD800;</body></message>')), 'not-well-formed');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<message><body>a & b</body></message>')), 'not-well-formed');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, '<message><body>]]></body></message>')), 'not-well-formed');
  // Text handed over as a string (XMPP over WebSocket, stored fragments) may hold a lone surrogate.
  const p = new StreamParser();
  p.feed(HEADER);
  assert.equal(errorOf(p.feed('<message><body>\uD800</body></message>')), 'not-well-formed');
});

test('line ends and attribute whitespace are normalized as XML 1.0 says; references keep them', () => {
  const ev = feedAll(new StreamParser(), HEADER, "<message id='a\tb\r\nc&#10;d'><body>1\r\n2\r3&#13;</body></message>");
  const el = ev.find((e) => e.type === 'stanza');
  assert.ok(el?.type === 'stanza');
  assert.equal(el.element.attr('id'), 'a b c\nd');
  assert.equal(el.element.getChildText('body'), '1\n2\n3\r');
});

test('tags: names, quoting, end tags that do not match, the stream end tag', () => {
  for (const bad of ['<1a/>', '<a b/>', "<a b='1'c='2'/>", '<a b=1/>', "<a b='<'/>", '<a></b>', '<a:b:c/>', '</message>']) {
    assert.equal(errorOf(feedAll(new StreamParser(), HEADER, bad)), 'not-well-formed', bad);
  }
  assert.deepEqual(stanzas(feedAll(new StreamParser(), HEADER, "<a b = '>' c=\"'\" ></a >")), ['<a b="&gt;" c="&apos;"/>']);
  assert.deepEqual(feedAll(new StreamParser(), HEADER, '</stream:stream >').map((e) => e.type), ['open', 'close']);
  assert.deepEqual(feedAll(new StreamParser(), "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>").map((e) => e.type), ['open', 'close']);
});

test('namespaces of attributes: xml: is built in, others must be bound, and one attribute cannot come twice', () => {
  assert.deepEqual(stanzas(feedAll(new StreamParser(), HEADER, "<message xml:lang='fr'/>")), ['<message xml:lang="fr"/>']);
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, "<message y:a='1'/>")), 'bad-namespace-prefix');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, "<m xmlns:p='u' xmlns:q='u' p:a='1' q:a='2'/>")), 'not-well-formed');
  assert.equal(errorOf(feedAll(new StreamParser(), HEADER, "<m xmlns:p=''/>")), 'not-well-formed');
});

test('a stanza spread over many chunks counts all of its bytes against the limit', () => {
  const p = new StreamParser({ maxStanzaSize: 1000 });
  feedAll(p, HEADER, '<message>');
  let ev: StreamEvent[] = [];
  for (let i = 0; i < 30 && errorOf(ev) === undefined; i++) ev = feedAll(p, `<x a='${'y'.repeat(40)}'/>`);
  assert.equal(errorOf(ev), 'policy-violation');
});
