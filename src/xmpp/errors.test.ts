import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCondition, isStanzaErrorCondition, isStreamErrorCondition, mayReplyWithError, stanzaError, streamError } from './errors.js';
import { x } from './xml/element.js';

test('stream error', () => {
  assert.equal(streamError('not-well-formed').toString(),
    '<stream:error><not-well-formed xmlns="urn:ietf:params:xml:ns:xmpp-streams"/></stream:error>');
  assert.equal(streamError('policy-violation', 'too big').toString(),
    '<stream:error><policy-violation xmlns="urn:ietf:params:xml:ns:xmpp-streams"/><text xmlns="urn:ietf:params:xml:ns:xmpp-streams" xml:lang="en">too big</text></stream:error>');
});

test('stanza error swaps addresses, keeps id and name, sets type', () => {
  const iq = x('iq', { type: 'get', id: 'q1', from: 'a@b/c', to: 'b' }, x('query', { xmlns: 'urn:x' }));
  const err = stanzaError(iq, undefined, 'service-unavailable');
  assert.equal(err.toString(),
    '<iq type="error" id="q1" from="b" to="a@b/c"><error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>');
  assert.equal(errorCondition(err), 'service-unavailable');
  const m = stanzaError(x('message', { from: 'a@b/c' }), 'modify', 'bad-request', 'why');
  assert.equal(m.getChild('error')?.attr('type'), 'modify');
  assert.equal(m.getChild('error')?.getChildText('text'), 'why');
});

test('catalogue membership and error loops', () => {
  assert.ok(isStreamErrorCondition('restricted-xml'));
  assert.ok(!isStreamErrorCondition('item-not-found'));
  assert.ok(isStanzaErrorCondition('item-not-found'));
  assert.ok(!isStanzaErrorCondition('toString'));
  assert.equal(mayReplyWithError(x('message', { type: 'error' })), false);
  assert.equal(mayReplyWithError(x('message', { type: 'chat' })), true);
});
