// Registration tokens (spec: m.login.registration_token; managed by the admin API and the CLI)
// and refresh tokens with access-token expiry (spec: "Refreshing access tokens").
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { RefreshTokenStore, RegistrationTokenRecord, RegistrationTokenStore } from '../../core/ports.js';
import type { SessionCache } from './session-cache.js';

// Refresh and access tokens are stored hashed, as access tokens are in devices.ts.
function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}

interface TokenRow { token: string; uses_allowed: number | null; completed: number; expiry_ts: number | null; created_ts: number }

const toRecord = (r: TokenRow): RegistrationTokenRecord => ({
  token: r.token, usesAllowed: r.uses_allowed, completed: r.completed, expiryTs: r.expiry_ts, createdTs: r.created_ts,
});

export function sqliteRegistrationTokenStore(db: Database.Database): RegistrationTokenStore {
  const insert = db.prepare('INSERT OR IGNORE INTO registration_tokens (token, uses_allowed, completed, expiry_ts, created_ts) VALUES (?, ?, 0, ?, ?)');
  const get = db.prepare<[string], TokenRow>('SELECT * FROM registration_tokens WHERE token = ?');
  const list = db.prepare<[], TokenRow>('SELECT * FROM registration_tokens ORDER BY created_ts, token');
  const del = db.prepare('DELETE FROM registration_tokens WHERE token = ?');
  // One statement checks and counts, so two registrations cannot both take the last use.
  const consume = db.prepare(`UPDATE registration_tokens SET completed = completed + 1
    WHERE token = ? AND (uses_allowed IS NULL OR completed < uses_allowed) AND (expiry_ts IS NULL OR expiry_ts > ?)`);
  return {
    create: (token, usesAllowed, expiryTs, now) => insert.run(token, usesAllowed, expiryTs, now).changes === 1,
    get: (token) => { const r = get.get(token); return r ? toRecord(r) : null; },
    list: () => list.all().map(toRecord),
    delete: (token) => del.run(token).changes === 1,
    consume: (token, now) => consume.run(token, now).changes === 1,
  };
}

export function sqliteRefreshTokenStore(db: Database.Database, sessions: SessionCache): RefreshTokenStore {
  const insert = db.prepare('INSERT INTO refresh_tokens (token_hash, user_id, device_id, access_hash, access_expires_ts) VALUES (?, ?, ?, ?, ?)');
  const byRefresh = db.prepare<[string], { user_id: string; device_id: string }>('SELECT user_id, device_id FROM refresh_tokens WHERE token_hash = ?');
  const delRefresh = db.prepare('DELETE FROM refresh_tokens WHERE token_hash = ?');
  const delDevice = db.prepare('DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?');
  const expiry = db.prepare<[string], { access_expires_ts: number }>('SELECT access_expires_ts FROM refresh_tokens WHERE access_hash = ?');
  return {
    issue: db.transaction((userId: string, deviceId: string, refreshToken: string, accessToken: string, accessExpiresTs: number) => {
      // A device holds one refresh token at a time; a new one (login or refresh) retires the old.
      delDevice.run(userId, deviceId);
      insert.run(hash(refreshToken), userId, deviceId, hash(accessToken), accessExpiresTs);
      sessions.clear();
    }),
    take(refreshToken) {
      const h = hash(refreshToken);
      const r = byRefresh.get(h);
      if (!r) return null;
      delRefresh.run(h);
      sessions.clear();
      return { userId: r.user_id, deviceId: r.device_id };
    },
    accessExpiry: (accessToken) => sessions.expiry(accessToken, () => expiry.get(hash(accessToken))?.access_expires_ts ?? null),
    forgetDevice: (userId, deviceId) => {
      delDevice.run(userId, deviceId);
      sessions.clear();
    },
  };
}
