import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeAttr, escapeText, openTag, x, XmlElement } from './element.js';

test('builder skips null/false/undefined and flattens arrays', () => {
  const el = x('iq', { type: 'result', id: undefined }, null, false, [x('a'), [x('b')]], 'text', '');
  assert.equal(el.toString(), '<iq type="result"><a/><b/>text</iq>');
});

test('escaping of text and attributes', () => {
  assert.equal(escapeText(`<a href="x">&'\r`), `&lt;a href="x"&gt;&amp;'&#13;`);
  assert.equal(escapeAttr(`"'<>&\n\t`), '&quot;&apos;&lt;&gt;&amp;&#10;&#9;');
  assert.equal(x('m', { a: 'x"y' }, 'a<b').toString(), '<m a="x&quot;y">a&lt;b</m>');
});

test('characters XML cannot carry are dropped, valid surrogate pairs kept', () => {
  assert.equal(escapeText('a\u0000b\u0007c\uFFFEd😀\uD800e'), 'abcd😀e');
});

test('getChild / getChildren / text with inherited namespaces on built trees', () => {
  const el = x('iq', { xmlns: 'jabber:client' },
    x('query', { xmlns: 'urn:q' }, x('item', { jid: 'a' }), x('item', { jid: 'b' })), x('x'));
  assert.equal(el.xmlns, 'jabber:client');
  const q = el.getChild('query', 'urn:q');
  assert.ok(q);
  assert.equal(q.getChildren('item', 'urn:q').length, 2);
  assert.equal(el.getChild('x', 'jabber:client')?.name, 'x');
  assert.equal(el.getChild('query', 'jabber:client'), undefined);
  assert.equal(el.getChildByNs('urn:q')?.name, 'query');
  assert.equal(x('body', null, 'a', 'b').text(), 'ab');
  assert.equal(x('m', null, x('body', null, 'hi')).getChildText('body'), 'hi');
  assert.equal(x('m').getChildText('body'), undefined);
});

test('withAttrs returns a modified copy', () => {
  const el = x('message', { from: 'evil', to: 'a' });
  const stamped = el.withAttrs({ from: 'good', to: undefined });
  assert.equal(stamped.toString(), '<message from="good"/>');
  assert.equal(el.attr('from'), 'evil');
  assert.ok(stamped instanceof XmlElement);
});

test('openTag', () => {
  assert.equal(openTag('stream:stream', { a: '1', b: undefined, c: '<' }), '<stream:stream a="1" c="&lt;">');
});
