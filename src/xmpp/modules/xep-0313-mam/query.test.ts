import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFragment } from '../../im/payload.js';
import { parseQuery, parseStamp, DEFAULT_MAX, MAX_MAX } from './query.js';

const q = (inner: string) => parseFragment(`<query xmlns='urn:xmpp:mam:2' queryid='q1'>${inner}</query>`)!;
const form = (fields: string) => `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>${fields}</x>`;

test('an empty query: the first page of the default size', () => {
  const r = parseQuery(q(''));
  assert.ok(!('error' in r));
  assert.equal(r.queryId, 'q1');
  assert.equal(r.max, DEFAULT_MAX);
  assert.deepEqual(r.page, { first: true });
  assert.equal(r.flip, false);
});

test('filters and paging are read', () => {
  const r = parseQuery(q(form(`<field var='with'><value>bob@example.org</value></field>
    <field var='start'><value>2020-01-01T00:00:00Z</value></field><field var='end'><value>2020-01-02T00:00:00.500+01:00</value></field>
    <field var='after-id'><value>$a</value></field><field var='before-id'><value>$b</value></field>
    <field var='ids'><value>$1</value><value>$2</value></field>`)
    + `<set xmlns='http://jabber.org/protocol/rsm'><max>5</max><before/></set><flip-page/>`));
  assert.ok(!('error' in r));
  assert.equal(r.with?.toString(), 'bob@example.org');
  assert.equal(r.start, Date.UTC(2020, 0, 1));
  assert.equal(r.end, Date.UTC(2020, 0, 1, 23, 0, 0, 500));
  assert.equal(r.afterId, '$a');
  assert.equal(r.beforeId, '$b');
  assert.deepEqual(r.ids, ['$1', '$2']);
  assert.equal(r.max, 5);
  assert.deepEqual(r.page, { last: true });
  assert.equal(r.flip, true);
});

test('RSM after and before with ids; max is capped', () => {
  const a = parseQuery(q(`<set xmlns='http://jabber.org/protocol/rsm'><max>100000</max><after>$x</after></set>`));
  assert.ok(!('error' in a));
  assert.deepEqual(a.page, { after: '$x' });
  assert.equal(a.max, MAX_MAX);
  const b = parseQuery(q(`<set xmlns='http://jabber.org/protocol/rsm'><before>$y</before></set>`));
  assert.ok(!('error' in b));
  assert.deepEqual(b.page, { before: '$y' });
});

test('bad input becomes the error XEP-0313 names', () => {
  const err = (inner: string) => { const r = parseQuery(q(inner)); return 'error' in r ? r.error : 'ok'; };
  assert.equal(err(form(`<field var='{urn:x}search'><value>hi</value></field>`)), 'feature-not-implemented');
  assert.equal(err(form(`<field var='with'><value>@@</value></field>`)), 'jid-malformed');
  assert.equal(err(form(`<field var='start'><value>yesterday</value></field>`)), 'bad-request');
  assert.equal(err(form(`<field var='with'><value>a@b</value><value>c@d</value></field>`)), 'bad-request');
  assert.equal(err(`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:other</value></field></x>`), 'bad-request');
  assert.equal(err(`<x xmlns='jabber:x:data' type='submit'><field><value>x</value></field></x>`), 'bad-request');
  assert.equal(err(`<set xmlns='http://jabber.org/protocol/rsm'><max>-1</max></set>`), 'bad-request');
  assert.equal(err(`<set xmlns='http://jabber.org/protocol/rsm'><max>ten</max></set>`), 'bad-request');
  assert.equal(err(`<set xmlns='http://jabber.org/protocol/rsm'><after>a</after><before>b</before></set>`), 'bad-request');
  assert.equal(err(`<set xmlns='http://jabber.org/protocol/rsm'><after/></set>`), 'bad-request');
  assert.equal(err(`<set xmlns='http://jabber.org/protocol/rsm'><index>3</index></set>`), 'feature-not-implemented');
});

test('XEP-0082 stamps: zone required', () => {
  assert.equal(parseStamp('2021-05-06T07:08:09Z'), Date.UTC(2021, 4, 6, 7, 8, 9));
  assert.equal(parseStamp('2021-05-06T07:08:09'), null);
  assert.equal(parseStamp('2021-13-45T07:08:09Z'), null);
});
