// SQLite side of the KeyBackupStore port. Versions are per-user counters; a deleted version keeps
// its row (marked) so its number is never handed out again, as the spec's version ordering needs.
import type Database from 'better-sqlite3';
import type { KeyBackupStore } from '../../core/ports.js';

type VersionRow = { version: number; algorithm: string; auth_data: string; etag: number };

/** WHERE clause narrowing sessions to a room and a session when given. */
function scope(roomId?: string, sessionId?: string): { sql: string; args: string[] } {
  const args: string[] = [];
  let sql = '';
  if (roomId !== undefined) { sql += ' AND room_id = ?'; args.push(roomId); }
  if (sessionId !== undefined) { sql += ' AND session_id = ?'; args.push(sessionId); }
  return { sql, args };
}

export function sqliteKeyBackupStore(db: Database.Database): KeyBackupStore {
  const q = {
    maxVersion: db.prepare<[string], { m: number | null }>('SELECT MAX(version) AS m FROM e2ee_backup_versions WHERE user_id = ?'),
    insertVersion: db.prepare(`INSERT INTO e2ee_backup_versions (user_id, version, algorithm, auth_data, etag, deleted)
      VALUES (?, ?, ?, ?, 0, 0)`),
    newest: db.prepare<[string], VersionRow>(
      'SELECT * FROM e2ee_backup_versions WHERE user_id = ? AND deleted = 0 ORDER BY version DESC LIMIT 1'),
    named: db.prepare<[string, number], VersionRow>(
      'SELECT * FROM e2ee_backup_versions WHERE user_id = ? AND version = ? AND deleted = 0'),
    update: db.prepare('UPDATE e2ee_backup_versions SET auth_data = ? WHERE user_id = ? AND version = ?'),
    markDeleted: db.prepare('UPDATE e2ee_backup_versions SET deleted = 1 WHERE user_id = ? AND version = ?'),
    bump: db.prepare('UPDATE e2ee_backup_versions SET etag = etag + 1 WHERE user_id = ? AND version = ?'),
    put: db.prepare(`INSERT INTO e2ee_backup_keys (user_id, version, room_id, session_id, data) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET data = excluded.data`),
    get: db.prepare<[string, number, string, string], { data: string }>(
      'SELECT data FROM e2ee_backup_keys WHERE user_id = ? AND version = ? AND room_id = ? AND session_id = ?'),
    count: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM e2ee_backup_keys WHERE user_id = ? AND version = ?'),
  };
  const num = (version: string) => (/^\d{1,15}$/.test(version) ? Number(version) : -1);
  return {
    createVersion(userId, algorithm, authData) {
      const v = (q.maxVersion.get(userId)?.m ?? 0) + 1;
      q.insertVersion.run(userId, v, algorithm, JSON.stringify(authData));
      return String(v);
    },
    getVersion(userId, version) {
      const r = version === null ? q.newest.get(userId) : q.named.get(userId, num(version));
      return r ? { version: String(r.version), algorithm: r.algorithm, authData: JSON.parse(r.auth_data), etag: r.etag } : null;
    },
    updateVersion(userId, version, authData) { q.update.run(JSON.stringify(authData), userId, num(version)); },
    deleteVersion(userId, version) {
      q.markDeleted.run(userId, num(version));
      db.prepare('DELETE FROM e2ee_backup_keys WHERE user_id = ? AND version = ?').run(userId, num(version));
    },
    putSession(userId, version, roomId, sessionId, data) { q.put.run(userId, num(version), roomId, sessionId, JSON.stringify(data)); },
    getSession(userId, version, roomId, sessionId) {
      const r = q.get.get(userId, num(version), roomId, sessionId);
      return r ? JSON.parse(r.data) : null;
    },
    sessions(userId, version, roomId, sessionId) {
      const s = scope(roomId, sessionId);
      const rows = db.prepare(`SELECT room_id, session_id, data FROM e2ee_backup_keys WHERE user_id = ? AND version = ?${s.sql}
        ORDER BY room_id, session_id`).all(userId, num(version), ...s.args) as { room_id: string; session_id: string; data: string }[];
      return rows.map((r) => ({ roomId: r.room_id, sessionId: r.session_id, data: JSON.parse(r.data) }));
    },
    deleteSessions(userId, version, roomId, sessionId) {
      const s = scope(roomId, sessionId);
      db.prepare(`DELETE FROM e2ee_backup_keys WHERE user_id = ? AND version = ?${s.sql}`).run(userId, num(version), ...s.args);
    },
    count: (userId, version) => q.count.get(userId, num(version))?.n ?? 0,
    bumpEtag(userId, version) { q.bump.run(userId, num(version)); },
  };
}
