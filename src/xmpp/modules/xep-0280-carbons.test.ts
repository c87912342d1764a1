import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../xml/element.js';
import { isEligible, NS_CARBONS, NS_FORWARD, NS_HINTS, wrapCarbon } from './xep-0280-carbons.js';

const msg = (type: string | undefined, ...children: ReturnType<typeof x>[]) => x('message', { xmlns: 'jabber:client', type, to: 'b@x', from: 'a@x/r' }, ...children);

test('eligibility follows XEP-0280 §6.1 and the hints of §7', () => {
  assert.equal(isEligible(msg('chat')), true, 'chat, even without a body (chat states)');
  assert.equal(isEligible(msg(undefined, x('body', null, 'hi'))), true, 'normal with a body');
  assert.equal(isEligible(msg('normal')), false, 'normal without a body');
  assert.equal(isEligible(msg('groupchat', x('body', null, 'hi'))), false);
  assert.equal(isEligible(msg('headline', x('body', null, 'hi'))), false);
  assert.equal(isEligible(msg('error')), false);
  assert.equal(isEligible(msg('chat', x('private', { xmlns: NS_CARBONS }))), false);
  assert.equal(isEligible(msg('chat', x('no-copy', { xmlns: NS_HINTS }))), false);
  assert.equal(isEligible(msg('chat', x('received', { xmlns: NS_CARBONS }))), false, 'never a carbon of a carbon');
});

test('a carbon forwards the original whole, from the bare JID', () => {
  const original = msg('chat', x('body', null, 'hi'));
  const c = wrapCarbon('received', 'b@x', 'b@x/phone', original);
  assert.equal(c.attr('from'), 'b@x');
  assert.equal(c.attr('to'), 'b@x/phone');
  const inner = c.getChild('received', NS_CARBONS)?.getChild('forwarded', NS_FORWARD)?.getChild('message', 'jabber:client');
  assert.equal(inner?.attr('from'), 'a@x/r');
  assert.equal(inner?.getChildText('body'), 'hi');
});
