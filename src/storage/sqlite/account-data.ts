import type Database from 'better-sqlite3';
import type { AccountDataStore } from '../../core/ports.js';

export function sqliteAccountDataStore(db: Database.Database): AccountDataStore {
  const put = db.prepare(
    `INSERT INTO account_data (user_id, room_id, type, content, stream) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = excluded.content, stream = excluded.stream`);
  const get = db.prepare<[string, string, string], { content: string }>(
    'SELECT content FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?');
  const since = db.prepare<[string, number], { room_id: string; type: string; content: string; stream: number }>(
    'SELECT room_id, type, content, stream FROM account_data WHERE user_id = ? AND stream > ? ORDER BY stream');
  const max = db.prepare<[], { m: number | null }>('SELECT MAX(stream) AS m FROM account_data');
  return {
    put(userId, roomId, type, content, stream) { put.run(userId, roomId, type, JSON.stringify(content), stream); },
    get(userId, roomId, type) {
      const r = get.get(userId, roomId, type);
      return r ? JSON.parse(r.content) : null;
    },
    since: (userId, from) => since.all(userId, from).map((r) => ({
      roomId: r.room_id, type: r.type, content: JSON.parse(r.content), stream: r.stream,
    })),
    maxStream: () => max.get()?.m ?? 0,
  };
}
