// Access tokens recently used, kept in memory: every Matrix request hashed its token and read
// two tables (the session, and the expiry of a refreshable token). Each store that deletes or
// replaces tokens in this process clears the cache in the same call (logout, device deletion,
// a new login on the same device, password change with logout, deactivation). Another process
// (the `hearth user delete` CLI) writes behind our back: SQLite's `PRAGMA data_version` moves
// only when another connection commits, so reading it (about 1 µs) before each lookup clears
// the cache then. TTL_MS still bounds an entry's age, for any write that version cannot see.
import { BoundedMap } from '../../core/bounded-map.js';

export interface CachedSession { userId: string; deviceId: string }

const TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;

interface Entry { session: CachedSession | null; expiry: number | null | undefined; readAt: number }

export class SessionCache {
  private readonly entries = new BoundedMap<string, Entry>(MAX_ENTRIES);

  private seenVersion: number;

  /** `version`: a number that moves when another process may have written (PRAGMA data_version). */
  constructor(private readonly now: () => number = Date.now, private readonly version: () => number = () => 0) {
    this.seenVersion = version();
  }

  /** The token's session; `read` is asked when not known (unknown tokens are not remembered). */
  session(token: string, read: () => CachedSession | null): CachedSession | null {
    const e = this.fresh(token);
    if (e?.session) return e.session;
    const session = read();
    if (session) this.entry(token, e).session = session;
    return session;
  }

  /** When the token expires (null: never); `read` is asked when not known. */
  expiry(token: string, read: () => number | null): number | null {
    const e = this.fresh(token);
    if (e && e.expiry !== undefined) return e.expiry;
    const expiry = read();
    this.entry(token, e).expiry = expiry;
    return expiry;
  }

  /** Some tokens were deleted or replaced: everything is read again. */
  clear(): void {
    this.entries.clear();
  }

  private fresh(token: string): Entry | undefined {
    const v = this.version();
    if (v !== this.seenVersion) {
      this.seenVersion = v;
      this.entries.clear();
      return undefined;
    }
    const e = this.entries.get(token);
    if (e && this.now() - e.readAt < TTL_MS) return e;
    if (e) this.entries.delete(token);
    return undefined;
  }

  private entry(token: string, known: Entry | undefined): Entry {
    if (known) return known;
    const e: Entry = { session: null, expiry: undefined, readAt: this.now() };
    this.entries.set(token, e);
    return e;
  }
}
