import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../../xml/element.js';
import { CapsCache, capsVer, notifyNodes } from './caps.js';

test('the XEP-0115 §5.2 example hashes to its published ver', () => {
  const q = x('query', { xmlns: 'http://jabber.org/protocol/disco#info' },
    x('identity', { category: 'client', type: 'pc', name: 'Exodus 0.9.1' }),
    ['http://jabber.org/protocol/caps', 'http://jabber.org/protocol/disco#info', 'http://jabber.org/protocol/disco#items', 'http://jabber.org/protocol/muc']
      .map((f) => x('feature', { var: f })));
  assert.equal(capsVer(q), 'QgayPKawpkPSDYmwT/WM94uAlu0=');
});

test('+notify features name nodes; the cache stays bounded', () => {
  assert.deepEqual([...notifyNodes(['urn:xmpp:avatar:metadata+notify', 'urn:xmpp:avatar:metadata', 'x+notify'])], ['urn:xmpp:avatar:metadata', 'x']);
  const c = new CapsCache(2);
  c.put('a', new Set());
  c.put('b', new Set());
  c.put('c', new Set());
  assert.equal(c.get('a'), undefined);
  assert.ok(c.get('c'));
});
