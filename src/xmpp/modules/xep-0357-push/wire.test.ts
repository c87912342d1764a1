import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../../xml/element.js';
import { NS_PUSH, parseDisable, parseEnable, publishIq, readRegistrations, withoutRegistration, withRegistration } from './wire.js';

const opts = x('x', { xmlns: 'jabber:x:data', type: 'submit' },
  x('field', { var: 'FORM_TYPE' }, x('value', null, 'http://jabber.org/protocol/pubsub#publish-options')),
  x('field', { var: 'secret' }, x('value', null, 'eruio234vzxc2kla-91')));

test('enable needs a jid and a node and keeps the publish options', () => {
  const ok = parseEnable(x('enable', { xmlns: NS_PUSH, jid: 'push-5.client.example', node: 'yxs32uqsflafdk3iuqo' }, opts));
  assert.ok(ok.ok);
  assert.equal(ok.value.jid, 'push-5.client.example');
  assert.match(ok.value.options ?? '', /eruio234vzxc2kla-91/);
  assert.equal(parseEnable(x('enable', { xmlns: NS_PUSH, node: 'n' })).ok, false);
  assert.equal(parseEnable(x('enable', { xmlns: NS_PUSH, jid: 'a@@b', node: 'n' })).ok, false);
  assert.equal(parseEnable(x('enable', { xmlns: NS_PUSH, jid: 'push.example' })).ok, false);
  assert.equal(parseDisable(x('disable', { xmlns: NS_PUSH })).ok, false);
});

test('registrations: replace by jid+node, disable by jid or jid+node, garbage reads as none', () => {
  let list = withRegistration([], { jid: 'p', node: 'a' });
  list = withRegistration(list, { jid: 'p', node: 'b' });
  list = withRegistration(list, { jid: 'p', node: 'a', options: 'o' });
  assert.equal(list.length, 2);
  assert.equal(withoutRegistration(list, 'p', 'a').length, 1);
  assert.equal(withoutRegistration(list, 'p').length, 0);
  assert.deepEqual(readRegistrations(JSON.stringify(list)), list);
  assert.deepEqual(readRegistrations('{oops'), []);
  assert.deepEqual(readRegistrations('[{"jid":1}]'), []);
});

test('the publish carries the summary form and the publish options (XEP-0357 §5)', () => {
  const r = parseEnable(x('enable', { xmlns: NS_PUSH, jid: 'push-5.client.example', node: 'yxs32uqsflafdk3iuqo' }, opts));
  assert.ok(r.ok);
  const iq = publishIq('romeo@montague.example', r.value, { count: 1, sender: 'juliet@capulet.example/balcony', body: 'Wherefore art thou, Romeo?' });
  assert.equal(iq.attr('to'), 'push-5.client.example');
  const pubsub = iq.getChild('pubsub', 'http://jabber.org/protocol/pubsub')!;
  const publish = pubsub.getChild('publish')!;
  assert.equal(publish.attr('node'), 'yxs32uqsflafdk3iuqo');
  const form = publish.getChild('item')!.getChild('notification', NS_PUSH)!.getChild('x', 'jabber:x:data')!;
  const fields = Object.fromEntries(form.getChildren('field').map((f) => [f.attr('var'), f.getChildText('value')]));
  assert.deepEqual(fields, {
    FORM_TYPE: 'urn:xmpp:push:summary', 'message-count': '1',
    'last-message-sender': 'juliet@capulet.example/balcony', 'last-message-body': 'Wherefore art thou, Romeo?',
  });
  assert.match(pubsub.getChild('publish-options')!.toString(), /eruio234vzxc2kla-91/);
});
