// Choosing the page a MAM query answers with (XEP-0313 §4.1-4.3, XEP-0059 RSM), over any
// archive that can scan its items by position. Pure: the archive is given as a source, so the
// rules (bounds from after-id/before-id, RSM after/before/last page, 'complete', count) are
// tested on arrays, and the user and room archives share them.
import type { MamQuery } from './query.js';

export interface ArchiveItem {
  /** Position in the archive (the event's stream position): orders items, never shown. */
  stream: number;
  /** The archive id (the event id). */
  id: string;
}

export interface ArchiveSource<T extends ArchiveItem> {
  /** Items that match the query's filters with lo < stream < hi, in the direction given, at most `limit`. */
  scan(lo: number, hi: number, newestFirst: boolean, limit: number): T[];
  /** How many items match with lo < stream < hi. */
  count(lo: number, hi: number): number;
  /** The position of an id in this archive, or null when it is not in it. */
  locate(id: string): number | null;
  /** The item of an id when it is in this archive and matches the filters. */
  get(id: string): T | null;
}

export interface Page<T> {
  items: T[];
  complete: boolean;
  count: number;
}

export const TOP = Number.MAX_SAFE_INTEGER;

/** The page, oldest first; 'item-not-found' when an id the query names is not in the archive. */
export function selectPage<T extends ArchiveItem>(src: ArchiveSource<T>, q: MamQuery): Page<T> | 'item-not-found' {
  let lo = 0;
  let hi = TOP;
  if (q.afterId !== undefined) {
    const s = src.locate(q.afterId);
    if (s === null) return 'item-not-found';
    lo = s;
  }
  if (q.beforeId !== undefined) {
    const s = src.locate(q.beforeId);
    if (s === null) return 'item-not-found';
    hi = s;
  }
  if (q.ids) {
    // Single-item retrieval (§4.1.4): every id must be there; the RSM page still caps the answer.
    if (q.ids.some((id) => src.locate(id) === null)) return 'item-not-found';
    const found = [...new Set(q.ids)].map((id) => src.get(id))
      .filter((i): i is T => i !== null && i.stream > lo && i.stream < hi)
      .sort((a, b) => a.stream - b.stream);
    return { items: found.slice(0, q.max), complete: found.length <= q.max, count: found.length };
  }
  const count = src.count(lo, hi);
  const page = q.page;
  let newestFirst = false;
  if ('after' in page) {
    const s = src.locate(page.after);
    if (s === null) return 'item-not-found';
    lo = Math.max(lo, s);
  } else if ('before' in page) {
    const s = src.locate(page.before);
    if (s === null) return 'item-not-found';
    hi = Math.min(hi, s);
    newestFirst = true;
  } else if ('last' in page) {
    newestFirst = true;
  }
  // One more than asked tells whether the page reaches the end of the results in its direction.
  const got = lo < hi ? src.scan(lo, hi, newestFirst, q.max + 1) : [];
  const items = got.slice(0, q.max);
  if (newestFirst) items.reverse();
  return { items, complete: got.length <= q.max, count };
}
