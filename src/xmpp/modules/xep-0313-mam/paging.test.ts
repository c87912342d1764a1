import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectPage, type ArchiveItem, type ArchiveSource } from './paging.js';
import type { MamQuery } from './query.js';

// Items at even positions 2..20 (ids 'e2'..'e20'); odd positions are events that are not items.
const items: ArchiveItem[] = Array.from({ length: 10 }, (_, i) => ({ stream: 2 * (i + 1), id: `e${2 * (i + 1)}` }));
const src: ArchiveSource<ArchiveItem> = {
  scan(lo, hi, newestFirst, limit) {
    const inRange = items.filter((i) => i.stream > lo && i.stream < hi);
    return (newestFirst ? inRange.reverse() : inRange).slice(0, limit);
  },
  count: (lo, hi) => items.filter((i) => i.stream > lo && i.stream < hi).length,
  locate: (id) => (id === 'e3' ? 3 : items.find((i) => i.id === id)?.stream ?? null),
  get: (id) => items.find((i) => i.id === id) ?? null,
};
const query = (o: Partial<MamQuery>): MamQuery => ({ max: 3, page: { first: true }, flip: false, ...o });
const ids = (p: ReturnType<typeof selectPage>) => (p === 'item-not-found' ? p : { ids: p.items.map((i) => i.id), complete: p.complete, count: p.count });

test('forward paging with RSM after reaches the end with complete', () => {
  assert.deepEqual(ids(selectPage(src, query({}))), { ids: ['e2', 'e4', 'e6'], complete: false, count: 10 });
  assert.deepEqual(ids(selectPage(src, query({ page: { after: 'e6' } }))), { ids: ['e8', 'e10', 'e12'], complete: false, count: 10 });
  assert.deepEqual(ids(selectPage(src, query({ page: { after: 'e14' } }))), { ids: ['e16', 'e18', 'e20'], complete: true, count: 10 });
});

test('the last page and paging backwards stay in chronological order', () => {
  assert.deepEqual(ids(selectPage(src, query({ page: { last: true } }))), { ids: ['e16', 'e18', 'e20'], complete: false, count: 10 });
  assert.deepEqual(ids(selectPage(src, query({ page: { before: 'e8' } }))), { ids: ['e2', 'e4', 'e6'], complete: true, count: 10 });
});

test('after-id and before-id bound the results and the count', () => {
  assert.deepEqual(ids(selectPage(src, query({ afterId: 'e4', beforeId: 'e12' }))), { ids: ['e6', 'e8', 'e10'], complete: true, count: 3 });
  // A position that is in the archive without being an item (e3) still bounds.
  assert.deepEqual(ids(selectPage(src, query({ afterId: 'e3', max: 1 }))), { ids: ['e4'], complete: false, count: 9 });
});

test('ids fetches those items, oldest first', () => {
  assert.deepEqual(ids(selectPage(src, query({ ids: ['e10', 'e2'] }))), { ids: ['e2', 'e10'], complete: true, count: 2 });
});

test('unknown ids anywhere are item-not-found', () => {
  for (const o of [{ afterId: 'nope' }, { beforeId: 'nope' }, { ids: ['e2', 'nope'] }, { page: { after: 'nope' } }, { page: { before: 'nope' } }] as Partial<MamQuery>[]) {
    assert.equal(selectPage(src, query(o)), 'item-not-found');
  }
});

test('max 0 gives only the count', () => {
  assert.deepEqual(ids(selectPage(src, query({ max: 0 }))), { ids: [], complete: false, count: 10 });
});
