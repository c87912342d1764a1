// Statements whose text depends on the call (an IN list of n placeholders) are prepared once per
// distinct text and kept: preparing on every call showed in /sync profiles.
import type Database from 'better-sqlite3';

const MAX_CACHED = 256;

export function statementCache(db: Database.Database): <R>(sql: string) => Database.Statement<unknown[], R> {
  const cache = new Map<string, Database.Statement>();
  return <R>(sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      if (cache.size >= MAX_CACHED) cache.clear();
      st = db.prepare(sql);
      cache.set(sql, st);
    }
    return st as Database.Statement<unknown[], R>;
  };
}

/** "?,?,?" for n values. */
export function placeholders(n: number): string {
  return new Array(n).fill('?').join(',');
}
