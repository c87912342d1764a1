import type Database from 'better-sqlite3';
import type { AccountDataStore } from '../../core/ports.js';
import { BoundedMap } from '../../core/bounded-map.js';

const MAX_USERS = 100_000;

export function sqliteAccountDataStore(db: Database.Database): AccountDataStore {
  const put = db.prepare(
    `INSERT INTO account_data (user_id, room_id, type, content, stream) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = excluded.content, stream = excluded.stream`);
  const get = db.prepare<[string, string, string], { content: string }>(
    'SELECT content FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?');
  const since = db.prepare<[string, number], { room_id: string; type: string; content: string; stream: number }>(
    'SELECT room_id, type, content, stream FROM account_data WHERE user_id = ? AND stream > ? ORDER BY stream');
  const max = db.prepare<[], { m: number | null }>('SELECT MAX(stream) AS m FROM account_data');
  const userMax = db.prepare<[string], { m: number | null }>('SELECT MAX(stream) AS m FROM account_data WHERE user_id = ?');
  // Each user's newest entry, as read or written: most /sync requests come after it and need not
  // read the table. An upper bound (a rolled-back put may have raised it), never too low.
  const newest = new BoundedMap<string, number>(MAX_USERS);
  const newestOf = (userId: string): number => {
    let m = newest.get(userId);
    if (m === undefined) {
      newest.set(userId, (m = userMax.get(userId)?.m ?? 0));
    }
    return m;
  };
  return {
    put(userId, roomId, type, content, stream) {
      put.run(userId, roomId, type, JSON.stringify(content), stream);
      const m = newest.get(userId);
      if (m !== undefined && m < stream) newest.set(userId, stream);
    },
    get(userId, roomId, type) {
      const r = get.get(userId, roomId, type);
      return r ? JSON.parse(r.content) : null;
    },
    since: (userId, from) => newestOf(userId) <= from ? [] : since.all(userId, from).map((r) => ({
      roomId: r.room_id, type: r.type, content: JSON.parse(r.content), stream: r.stream,
    })),
    maxStream: () => max.get()?.m ?? 0,
  };
}
