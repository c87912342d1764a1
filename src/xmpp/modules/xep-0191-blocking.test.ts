import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Jid } from '../jid.js';
import { blockMatches, blockedError } from './xep-0191-blocking.js';
import { x } from '../xml/element.js';

const m = (item: string, jid: string) => blockMatches(Jid.parse(item)!, Jid.parse(jid)!);

test('XEP-0191 §5 matching: full JID, bare JID, domain/resource, domain', () => {
  assert.ok(m('a@d/r', 'a@d/r'));
  assert.ok(!m('a@d/r', 'a@d/s'));
  assert.ok(!m('a@d/r', 'a@d'));
  assert.ok(m('a@d', 'a@d/any'));
  assert.ok(m('a@d', 'a@d'));
  assert.ok(!m('a@d', 'b@d'));
  assert.ok(m('d/r', 'd/r'));
  assert.ok(!m('d/r', 'a@d/r'));
  assert.ok(m('d', 'a@d/r'));
  assert.ok(m('d', 'd'));
  assert.ok(!m('d', 'a@e'));
});

test('the blocked error: not-acceptable with <blocked/>, addressed back', () => {
  const e = blockedError(x('message', { from: 'a@d/r', to: 'b@d', id: '7' }));
  assert.equal(e.toString(), '<message type="error" id="7" from="b@d" to="a@d/r"><error type="cancel"><not-acceptable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><blocked xmlns="urn:xmpp:blocking:errors"/></error></message>');
});
