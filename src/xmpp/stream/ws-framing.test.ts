import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NS_FRAMING, standalone, WsFraming } from './ws-framing.js';

const OPEN = `<open xmlns='${NS_FRAMING}' to='example.org' version='1.0'/>`;

test('the first message must be <open/> in the framing namespace', () => {
  assert.deepEqual(new WsFraming(10_000).feed(OPEN), [{ type: 'open', attrs: { to: 'example.org', version: '1.0' }, contentNs: 'jabber:client' }]);
  assert.equal(new WsFraming(10_000).feed("<message xmlns='jabber:client'/>")[0]!.type, 'error');
  const wrongNs = new WsFraming(10_000).feed("<open xmlns='jabber:client'/>")[0]!;
  assert.equal(wrongNs.type === 'error' && wrongNs.condition, 'invalid-namespace');
});

test('one element per message; stanzas default to jabber:client; <close/> ends the stream', () => {
  const f = new WsFraming(10_000);
  f.feed(OPEN);
  const [ev] = f.feed("<message to='a@b'><body>hi</body></message>");
  assert.ok(ev?.type === 'stanza');
  assert.equal(ev.element.xmlns, 'jabber:client');
  const two = f.feed('<presence/><presence/>')[0]!;
  assert.equal(two.type === 'error' && two.condition, 'bad-format');
  const broken = f.feed('<message><body></message>')[0]!;
  assert.equal(broken.type === 'error' && broken.condition, 'not-well-formed');
  assert.equal(f.feed('').at(0)?.type, 'error');
  assert.equal(f.feed('<!-- c --><presence/>').at(0)?.type === 'error', true);
  assert.deepEqual(f.feed(`<close xmlns='${NS_FRAMING}'/>`), [{ type: 'close' }]);
});

test('binary messages and oversized elements are refused', () => {
  const f = new WsFraming(10_000);
  assert.equal(f.feed(Buffer.from(OPEN))[0]!.type, 'error');
  f.feed(OPEN);
  const big = f.feed(`<message><body>${'x'.repeat(20_000)}</body></message>`)[0]!;
  assert.equal(big.type === 'error' && big.condition, 'policy-violation');
});

test('after a restart the next message must be <open/> again', () => {
  const f = new WsFraming(10_000);
  f.feed(OPEN);
  f.reset();
  assert.equal(f.feed('<presence/>')[0]!.type, 'error');
  assert.equal(f.feed(OPEN)[0]!.type, 'open');
});

test('outgoing elements declare their own namespaces', () => {
  assert.equal(standalone('<stream:features><bind/></stream:features>'),
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind/></stream:features>");
  assert.equal(standalone('<message to="a@b" title="x>y"><body/></message>'), "<message xmlns='jabber:client' to=\"a@b\" title=\"x>y\"><body/></message>");
  assert.equal(standalone("<iq xmlns='jabber:client' type='result'/>"), "<iq xmlns='jabber:client' type='result'/>");
  assert.equal(standalone('<presence/>'), "<presence xmlns='jabber:client'/>");
  assert.equal(standalone("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"), "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
});
