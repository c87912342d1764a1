import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFragment } from './payload.js';
import { displayedStanza, isMarkable, NS_MARKERS, readMarker } from './markers.js';
import { x } from '../xml/element.js';

const msg = (inner: string) => parseFragment(`<message xmlns='jabber:client' type='chat'>${inner}</message>`)!;

test('readMarker: displayed, received, acknowledged; malformed without id; other namespaces ignored', () => {
  assert.deepEqual(readMarker(msg(`<displayed xmlns='${NS_MARKERS}' id='m1'/>`)), { kind: 'displayed', id: 'm1' });
  assert.deepEqual(readMarker(msg(`<received xmlns='${NS_MARKERS}' id='m2'/>`)), { kind: 'received', id: 'm2' });
  assert.deepEqual(readMarker(msg(`<acknowledged xmlns='${NS_MARKERS}' id='m3'/>`)), { kind: 'acknowledged', id: 'm3' });
  assert.deepEqual(readMarker(msg(`<displayed xmlns='${NS_MARKERS}'/>`)), { kind: 'displayed', id: '' });
  assert.equal(readMarker(msg(`<markable xmlns='${NS_MARKERS}'/><body>x</body>`)), null);
  assert.equal(readMarker(msg(`<displayed xmlns='urn:other' id='m4'/>`)), null);
});

test('isMarkable: a kept <markable/> in the markers namespace only', () => {
  assert.equal(isMarkable([`<markable xmlns="${NS_MARKERS}"/>`]), true);
  assert.equal(isMarkable(['<origin-id xmlns="urn:xmpp:sid:0" id="o"/>']), false);
  assert.equal(isMarkable(['<markable xmlns="urn:other"/>']), false);
  assert.equal(isMarkable(undefined), false);
});

test('displayedStanza: a chat message with only the marker', () => {
  const el = displayedStanza({ from: 'a@d', to: 'b@d', id: 'm1' });
  assert.equal(el.attr('type'), 'chat');
  assert.equal(el.elements().length, 1);
  assert.equal(el.getChild('displayed', NS_MARKERS)?.attr('id'), 'm1');
});

test('displayedStanza in a room: groupchat, with the reader\'s occupant id', () => {
  const el = displayedStanza({ from: 'r@muc/Ann', to: 'b@d/x', id: '$ev', type: 'groupchat', extra: [x('occupant-id', { xmlns: 'urn:xmpp:occupant-id:0', id: 'o1' })] });
  assert.equal(el.attr('type'), 'groupchat');
  assert.equal(el.getChild('displayed', NS_MARKERS)?.attr('id'), '$ev');
  assert.equal(el.getChild('occupant-id', 'urn:xmpp:occupant-id:0')?.attr('id'), 'o1');
});
