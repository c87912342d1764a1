// Token buckets keyed by account or address (DESIGN §6). Pure: time comes in as an argument, so
// the tests need no clock. A bucket holds at most `burst` tokens and regains `perSecond`.

import { BoundedMap } from '../../core/bounded-map.js';

export interface BucketParams { perSecond: number; burst: number }

interface Bucket { tokens: number; at: number }

/** Keys kept at most (about); beyond it the least recently used go, which costs a forgotten key
 *  at most one fresh burst. */
const MAX_KEYS = 50_000;

export class RateLimiter {
  private readonly buckets = new BoundedMap<string, Bucket>(MAX_KEYS);

  constructor(private readonly params: BucketParams) {}

  /** Takes one token for the key: 0 when allowed, else the ms until one is available. */
  take(key: string, now: number): number {
    const b = this.refilled(key, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.params.perSecond) * 1000);
  }

  /** Would a take succeed? Does not spend a token (lets several keys be checked first). */
  wait(key: string, now: number): number {
    const b = this.refilled(key, now);
    return b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) / this.params.perSecond) * 1000);
  }

  get size(): number { return this.buckets.size; }

  private refilled(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.params.burst, at: now };
      this.buckets.set(key, b);
      return b;
    }
    const elapsed = Math.max(0, now - b.at) / 1000;
    b.tokens = Math.min(this.params.burst, b.tokens + elapsed * this.params.perSecond);
    b.at = now;
    return b;
  }
}
