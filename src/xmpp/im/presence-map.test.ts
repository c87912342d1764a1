import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFragment } from './payload.js';
import { matrixResourceStanza, readResourcePresence, summarize } from './presence-map.js';

const r = (show: string | undefined, status: string | undefined, priority = 0) => ({ show, status, priority });

test('presence map: resources summed up as one Matrix state', () => {
  assert.deepEqual(summarize([]), { presence: 'offline', statusMsg: null });
  assert.deepEqual(summarize([r(undefined, 'here')]), { presence: 'online', statusMsg: 'here' });
  assert.deepEqual(summarize([r('chat', undefined)]), { presence: 'online', statusMsg: null });
  for (const show of ['away', 'xa', 'dnd']) assert.deepEqual(summarize([r(show, 'brb')]), { presence: 'unavailable', statusMsg: 'brb' });
  // One resource online is enough; among equals the highest priority speaks.
  assert.deepEqual(summarize([r('away', 'phone', 10), r(undefined, 'desk', -1)]), { presence: 'online', statusMsg: 'desk' });
  assert.deepEqual(summarize([r('away', 'low', 1), r('xa', 'high', 5)]), { presence: 'unavailable', statusMsg: 'high' });
  assert.deepEqual(summarize([r(undefined, '   ')]), { presence: 'online', statusMsg: null }, 'a blank status is none');
});

test('presence map: reading a client stanza; unknown <show/> values count as available', () => {
  const el = parseFragment("<presence><show>dnd</show><status>meeting</status></presence>")!;
  assert.deepEqual(readResourcePresence(el, 3), { show: 'dnd', status: 'meeting', priority: 3 });
  assert.deepEqual(readResourcePresence(parseFragment('<presence><show>sleeping</show></presence>')!, 0), { show: undefined, status: undefined, priority: 0 });
});

test('presence map: the Matrix resource\'s stanza for each state', () => {
  const at = 1;
  assert.equal(matrixResourceStanza('a@h/matrix', { presence: 'online', statusMsg: null, changedAt: at }).toString(), '<presence from="a@h/matrix"/>');
  assert.equal(matrixResourceStanza('a@h/matrix', { presence: 'unavailable', statusMsg: 'lunch', changedAt: at }).toString(),
    '<presence from="a@h/matrix"><show>away</show><status>lunch</status></presence>');
  assert.equal(matrixResourceStanza('a@h/matrix', { presence: 'offline', statusMsg: null, changedAt: at }).toString(), '<presence from="a@h/matrix" type="unavailable"/>');
});
