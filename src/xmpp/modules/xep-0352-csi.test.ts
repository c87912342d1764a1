import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../xml/element.js';
import { CsiFilter, holdKey } from './xep-0352-csi.js';

const CS = 'http://jabber.org/protocol/chatstates';

test('what waits and what does not', () => {
  assert.equal(holdKey(x('presence', { from: 'a@x/r' }), 0), 'presence a@x/r');
  assert.equal(holdKey(x('presence', { from: 'a@x/r', type: 'unavailable' }), 0), 'presence a@x/r');
  assert.equal(holdKey(x('presence', { from: 'a@x', type: 'subscribe' }), 0), null, 'subscription requests go at once');
  assert.equal(holdKey(x('message', { type: 'chat' }, x('composing', { xmlns: CS })), 1), 'chatstate 1');
  assert.equal(holdKey(x('message', { type: 'chat' }, x('body', null, 'hi'), x('active', { xmlns: CS })), 1), null);
  assert.equal(holdKey(x('iq', { type: 'get' }), 0), null);
  const carbon = x('message', {}, x('received', { xmlns: 'urn:xmpp:carbons:2' }, x('forwarded', { xmlns: 'urn:xmpp:forward:0' },
    x('message', { xmlns: 'jabber:client', type: 'chat' }, x('paused', { xmlns: CS })))));
  assert.equal(holdKey(carbon, 2), 'chatstate 2', 'a carbon of a chat state waits too');
});

test('inactive holds, keeps the newest presence per sender, flushes before a message and on active', () => {
  const out: string[] = [];
  const deliver = (w: string) => out.push(w);
  const f = new CsiFilter();
  assert.equal(f.hold(x('presence', { from: 'a@x/r' }), deliver), false, 'active: nothing held');
  f.set(false, deliver);
  assert.equal(f.hold(x('presence', { from: 'a@x/r' }, x('show', null, 'away')), deliver), true);
  assert.equal(f.hold(`<message type='chat'><composing xmlns='${CS}'/></message>`, deliver), true);
  assert.equal(f.hold(x('presence', { from: 'a@x/r' }, x('show', null, 'dnd')), deliver), true);
  assert.deepEqual(out, []);
  assert.equal(f.hold(x('message', { type: 'chat' }, x('body', null, 'hi')), deliver), false);
  assert.equal(out.length, 2, 'the held ones went first');
  assert.match(out[1]!, /dnd/);
  assert.doesNotMatch(out.join(''), /away/, 'only the newest presence of a sender');
  f.hold(x('presence', { from: 'b@x/r' }), deliver);
  f.set(true, deliver);
  assert.equal(out.length, 3);
});
