// Sliding sync connections (core/ports.ts SlidingConnectionStore): one row per user, device and
// conn_id holding the Matrix API's serialized state, bounded per user by last use. A device's rows
// are deleted with the device (devices.ts, accounts.ts).
import type Database from 'better-sqlite3';
import type { SlidingConnectionStore } from '../../core/ports.js';

export function sqliteSlidingConnectionStore(db: Database.Database): SlidingConnectionStore {
  const get = db.prepare<[string, string, string], { last_used: number; data: string }>(
    'SELECT last_used, data FROM sliding_connections WHERE user_id = ? AND device_id = ? AND conn_id = ?');
  const put = db.prepare(`INSERT OR REPLACE INTO sliding_connections (user_id, device_id, conn_id, last_used, data)
    SELECT @user, @device, @conn, @lastUsed, @data WHERE EXISTS (SELECT 1 FROM devices WHERE user_id = @user AND device_id = @device)`);
  const prune = db.prepare(`DELETE FROM sliding_connections WHERE rowid IN (
    SELECT rowid FROM sliding_connections WHERE user_id = ? ORDER BY last_used DESC LIMIT -1 OFFSET ?)`);
  const del = db.prepare('DELETE FROM sliding_connections WHERE user_id = ? AND device_id = ? AND conn_id = ?');
  const expire = db.prepare('DELETE FROM sliding_connections WHERE last_used < ?');
  return {
    get(userId, deviceId, connId) {
      const r = get.get(userId, deviceId, connId);
      return r ? { lastUsed: r.last_used, data: r.data } : null;
    },
    put(userId, deviceId, connId, lastUsed, data, keepPerUser) {
      put.run({ user: userId, device: deviceId, conn: connId, lastUsed, data });
      prune.run(userId, keepPerUser);
    },
    remove: (userId, deviceId, connId) => { del.run(userId, deviceId, connId); },
    expire: (before) => expire.run(before).changes,
  };
}
