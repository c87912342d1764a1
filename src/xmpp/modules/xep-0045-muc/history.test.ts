import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../../xml/element.js';
import { DEFAULT_MAX_STANZAS, MAX_STANZAS, historyCount, parseHistoryRequest } from './history.js';

const now = Date.parse('2026-01-01T12:00:00Z');

test('defaults and limits of <history/>', () => {
  assert.deepEqual(parseHistoryRequest(undefined, now), { maxStanzas: DEFAULT_MAX_STANZAS, maxChars: null, sinceTs: null });
  assert.equal(parseHistoryRequest(x('history', { maxstanzas: '5' }), now).maxStanzas, 5);
  assert.equal(parseHistoryRequest(x('history', { maxstanzas: '100000' }), now).maxStanzas, MAX_STANZAS);
  assert.equal(parseHistoryRequest(x('history', { maxstanzas: '-1' }), now).maxStanzas, DEFAULT_MAX_STANZAS);
  assert.equal(parseHistoryRequest(x('history', { maxchars: '0' }), now).maxChars, 0);
  assert.equal(parseHistoryRequest(x('history', { seconds: '60' }), now).sinceTs, now - 60_000);
  assert.equal(parseHistoryRequest(x('history', { since: '2026-01-01T11:00:00Z' }), now).sinceTs, now - 3_600_000);
  assert.equal(parseHistoryRequest(x('history', { since: 'yesterday' }), now).sinceTs, null);
  // Both given: the later bound is the stricter one.
  assert.equal(parseHistoryRequest(x('history', { since: '2026-01-01T11:00:00Z', seconds: '60' }), now).sinceTs, now - 60_000);
});

test('selection meets every limit with whole stanzas', () => {
  const c = [{ ts: 50, chars: 100 }, { ts: 40, chars: 100 }, { ts: 30, chars: 100 }, { ts: 20, chars: 100 }];
  assert.equal(historyCount(c, { maxStanzas: 20, maxChars: null, sinceTs: null }), 4);
  assert.equal(historyCount(c, { maxStanzas: 2, maxChars: null, sinceTs: null }), 2);
  assert.equal(historyCount(c, { maxStanzas: 20, maxChars: 250, sinceTs: null }), 2);
  assert.equal(historyCount(c, { maxStanzas: 20, maxChars: 0, sinceTs: null }), 0);
  assert.equal(historyCount(c, { maxStanzas: 20, maxChars: null, sinceTs: 30 }), 3);
  assert.equal(historyCount(c, { maxStanzas: 0, maxChars: null, sinceTs: null }), 0);
});
