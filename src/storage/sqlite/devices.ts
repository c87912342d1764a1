import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { DeviceRecord, DeviceStore } from '../../core/ports.js';
import type { SessionCache } from './session-cache.js';

// Tokens are stored hashed so that a copy of the database does not hand out sessions.
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}

export function sqliteDeviceStore(db: Database.Database, sessions: SessionCache): DeviceStore {
  const upsertDevice = db.prepare(
    `INSERT INTO devices (user_id, device_id, display_name, last_seen_ts) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_id, device_id) DO UPDATE SET display_name = COALESCE(excluded.display_name, display_name), last_seen_ts = excluded.last_seen_ts`);
  const insertToken = db.prepare('INSERT INTO access_tokens (token_hash, user_id, device_id, created_ts) VALUES (?, ?, ?, ?)');
  const lookup = db.prepare<[string], { user_id: string; device_id: string }>(
    'SELECT user_id, device_id FROM access_tokens WHERE token_hash = ?');
  const delToken = db.prepare('DELETE FROM access_tokens WHERE token_hash = ?');
  const delDeviceTokens = db.prepare('DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?');
  const delDevice = db.prepare('DELETE FROM devices WHERE user_id = ? AND device_id = ?');
  const delAllTokens = db.prepare('DELETE FROM access_tokens WHERE user_id = ?');
  const delAllDevices = db.prepare('DELETE FROM devices WHERE user_id = ?');
  // Spec: pushers are tied to the session that made them; they go with their device.
  const delDevicePushers = db.prepare('DELETE FROM pushers WHERE user_id = ? AND device_id = ?');
  const delAllPushers = db.prepare('DELETE FROM pushers WHERE user_id = ?');
  // Sliding sync connections too: nobody can resume them.
  const delDeviceConns = db.prepare('DELETE FROM sliding_connections WHERE user_id = ? AND device_id = ?');
  const delAllConns = db.prepare('DELETE FROM sliding_connections WHERE user_id = ?');
  const rename = db.prepare('UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?');
  const touch = db.prepare('UPDATE devices SET last_seen_ts = ?, last_seen_ip = ?, last_seen_user_agent = ? WHERE user_id = ? AND device_id = ?');
  const list = db.prepare<[string], {
    user_id: string; device_id: string; display_name: string | null; last_seen_ts: number | null; last_seen_ip: string | null; last_seen_user_agent: string | null;
  }>(
    'SELECT * FROM devices WHERE user_id = ? ORDER BY device_id');

  return {
    createSession: db.transaction((userId: string, deviceId: string, displayName: string | null, token: string, ts: number) => {
      // A login that names an existing device replaces that device's old tokens (spec: login with device_id).
      delDeviceTokens.run(userId, deviceId);
      sessions.clear();
      upsertDevice.run(userId, deviceId, displayName, ts);
      insertToken.run(tokenHash(token), userId, deviceId, ts);
    }),
    lookupToken: (token) => sessions.session(token, () => {
      const r = lookup.get(tokenHash(token));
      return r ? { userId: r.user_id, deviceId: r.device_id } : null;
    }),
    deleteToken(token) {
      delToken.run(tokenHash(token));
      sessions.clear();
    },
    deleteDevice: db.transaction((userId: string, deviceId: string) => {
      delDeviceTokens.run(userId, deviceId);
      sessions.clear();
      delDevice.run(userId, deviceId);
      delDevicePushers.run(userId, deviceId);
      delDeviceConns.run(userId, deviceId);
    }),
    deleteAllDevices: db.transaction((userId: string) => {
      delAllTokens.run(userId);
      sessions.clear();
      delAllDevices.run(userId);
      delAllPushers.run(userId);
      delAllConns.run(userId);
    }),
    setDeviceDisplayName: (userId, deviceId, name) => rename.run(name, userId, deviceId).changes > 0,
    touchDevice: (userId, deviceId, ts, ip, userAgent) => { touch.run(ts, ip, userAgent, userId, deviceId); },
    listDevices: (userId): DeviceRecord[] => list.all(userId).map((r) => ({
      userId: r.user_id, deviceId: r.device_id, displayName: r.display_name, lastSeenTs: r.last_seen_ts,
      lastSeenIp: r.last_seen_ip, lastSeenUserAgent: r.last_seen_user_agent,
    })),
  };
}
