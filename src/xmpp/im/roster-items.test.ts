// Roster set checks (RFC 6121 §2.3.3, §2.5) and the items a client sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../xml/element.js';
import { itemElement, NS_ROSTER, parseRosterSet } from './roster-items.js';

const OWN = 'alice@example.org';
const query = (...items: ReturnType<typeof x>[]) => x('query', { xmlns: NS_ROSTER }, ...items);

test('roster set: an item with name and groups', () => {
  const r = parseRosterSet(query(x('item', { jid: 'Bob@Example.org', name: 'Bob', subscription: 'both', ask: 'subscribe' },
    x('group', null, 'Friends'), x('group', null, 'Work'))), OWN);
  assert.deepEqual(r, { ok: { kind: 'update', jid: 'bob@example.org', name: 'Bob', groups: ['Friends', 'Work'] } });
});

test('roster set: remove', () => {
  assert.deepEqual(parseRosterSet(query(x('item', { jid: 'bob@example.org', subscription: 'remove' })), OWN),
    { ok: { kind: 'remove', jid: 'bob@example.org' } });
});

test('roster set: errors', () => {
  const cases: [ReturnType<typeof x>, string][] = [
    [query(), 'bad-request'],
    [query(x('item', { jid: 'a@b' }), x('item', { jid: 'c@d' })), 'bad-request'],
    [query(x('item', {})), 'bad-request'],
    [query(x('item', { jid: 'a@b@c' })), 'jid-malformed'],
    [query(x('item', { jid: 'ALICE@example.org' })), 'not-allowed'],
    [query(x('item', { jid: 'b@c' }, x('group', null, 'G'), x('group', null, 'G'))), 'bad-request'],
    [query(x('item', { jid: 'b@c' }, x('group'))), 'not-acceptable'],
    [query(x('item', { jid: 'b@c', name: 'n'.repeat(2000) })), 'not-acceptable'],
  ];
  for (const [q, condition] of cases) {
    const r = parseRosterSet(q, OWN);
    assert.ok('error' in r && r.error === condition, `${q.toString()} -> ${JSON.stringify(r)}`);
  }
});

test('roster item: pending-in stays hidden, ask shows only while it means something', () => {
  const el = itemElement({ jid: 'b@c', name: null, subscription: 'none', ask: true, pendingIn: true, groups: ['G'] });
  assert.equal(el.toString(), '<item jid="b@c" subscription="none" ask="subscribe"><group>G</group></item>');
  const both = itemElement({ jid: 'b@c', name: 'B', subscription: 'both', ask: true, pendingIn: false, groups: [] });
  assert.equal(both.toString(), '<item jid="b@c" name="B" subscription="both"/>');
});
