// SQLite side of the E2eeStore port: keys are kept as the JSON the device uploaded (signatures
// must survive byte for byte in meaning), indexed only by the ids the server needs.
import type Database from 'better-sqlite3';
import type { E2eeStore, StoredKey } from '../../core/ports.js';
import type { DeviceInboxMemo } from './device-inbox-memo.js';

type KeyRow = { key_id: string; key_json: string };
const toKey = (r: KeyRow | undefined): StoredKey | null => (r ? { keyId: r.key_id, key: JSON.parse(r.key_json) } : null);
const algorithmOf = (keyId: string) => keyId.slice(0, keyId.indexOf(':'));

export function sqliteE2eeStore(db: Database.Database, memo: DeviceInboxMemo): E2eeStore {
  const q = {
    maxChange: db.prepare<[], { m: number | null }>('SELECT MAX(stream) AS m FROM e2ee_key_changes'),
    maxToDevice: db.prepare<[], { m: number | null }>('SELECT MAX(stream) AS m FROM e2ee_to_device'),
    putDevice: db.prepare(`INSERT INTO e2ee_device_keys (user_id, device_id, keys_json) VALUES (?, ?, ?)
      ON CONFLICT (user_id, device_id) DO UPDATE SET keys_json = excluded.keys_json`),
    devices: db.prepare<[string], { device_id: string; keys_json: string }>(
      'SELECT device_id, keys_json FROM e2ee_device_keys WHERE user_id = ? ORDER BY device_id'),
    delDevice: db.prepare('DELETE FROM e2ee_device_keys WHERE user_id = ? AND device_id = ?'),
    delOtks: db.prepare('DELETE FROM e2ee_one_time_keys WHERE user_id = ? AND device_id = ?'),
    delFallback: db.prepare('DELETE FROM e2ee_fallback_keys WHERE user_id = ? AND device_id = ?'),
    delToDeviceAll: db.prepare('DELETE FROM e2ee_to_device WHERE user_id = ? AND device_id = ?'),
    addOtk: db.prepare(`INSERT OR IGNORE INTO e2ee_one_time_keys (user_id, device_id, algorithm, key_id, key_json)
      VALUES (?, ?, ?, ?, ?)`),
    otkCounts: db.prepare<[string, string], { algorithm: string; n: number }>(
      'SELECT algorithm, COUNT(*) AS n FROM e2ee_one_time_keys WHERE user_id = ? AND device_id = ? GROUP BY algorithm'),
    firstOtk: db.prepare<[string, string, string], KeyRow>(
      'SELECT key_id, key_json FROM e2ee_one_time_keys WHERE user_id = ? AND device_id = ? AND algorithm = ? ORDER BY rowid LIMIT 1'),
    delOtk: db.prepare('DELETE FROM e2ee_one_time_keys WHERE user_id = ? AND device_id = ? AND key_id = ?'),
    putFallback: db.prepare(`INSERT INTO e2ee_fallback_keys (user_id, device_id, algorithm, key_id, key_json, used)
      VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (user_id, device_id, algorithm)
      DO UPDATE SET key_id = excluded.key_id, key_json = excluded.key_json, used = 0`),
    getFallback: db.prepare<[string, string, string], KeyRow>(
      'SELECT key_id, key_json FROM e2ee_fallback_keys WHERE user_id = ? AND device_id = ? AND algorithm = ?'),
    useFallback: db.prepare('UPDATE e2ee_fallback_keys SET used = 1 WHERE user_id = ? AND device_id = ? AND algorithm = ?'),
    unusedFallback: db.prepare<[string, string], { algorithm: string }>(
      'SELECT algorithm FROM e2ee_fallback_keys WHERE user_id = ? AND device_id = ? AND used = 0 ORDER BY algorithm'),
    putCross: db.prepare(`INSERT INTO e2ee_cross_signing_keys (user_id, usage, key_json) VALUES (?, ?, ?)
      ON CONFLICT (user_id, usage) DO UPDATE SET key_json = excluded.key_json`),
    cross: db.prepare<[string], { usage: string; key_json: string }>(
      'SELECT usage, key_json FROM e2ee_cross_signing_keys WHERE user_id = ?'),
    markChanged: db.prepare(`INSERT INTO e2ee_key_changes (user_id, stream) VALUES (?, ?)
      ON CONFLICT (user_id) DO UPDATE SET stream = MAX(stream, excluded.stream)`),
    changed: db.prepare<[number, number], { user_id: string }>(
      'SELECT user_id FROM e2ee_key_changes WHERE stream > ? AND stream <= ? ORDER BY user_id'),
    addToDevice: db.prepare('INSERT INTO e2ee_to_device (user_id, device_id, stream, message_json) VALUES (?, ?, ?, ?)'),
    toDevice: db.prepare<[string, string, number, number, number], { stream: number; message_json: string }>(
      `SELECT stream, message_json FROM e2ee_to_device WHERE user_id = ? AND device_id = ? AND stream > ? AND stream <= ?
       ORDER BY stream, id LIMIT ?`),
    ackToDevice: db.prepare('DELETE FROM e2ee_to_device WHERE user_id = ? AND device_id = ? AND stream <= ?'),
    inboxRange: db.prepare<[string, string], { min: number | null; max: number | null }>(
      'SELECT MIN(stream) AS min, MAX(stream) AS max FROM e2ee_to_device WHERE user_id = ? AND device_id = ?'),
  };
  const inbox = (userId: string, deviceId: string) => memo.inbox(userId, deviceId, () => {
    const r = q.inboxRange.get(userId, deviceId);
    return r && r.min !== null && r.max !== null ? { min: r.min, max: r.max } : null;
  });
  /** The newest key change (an upper bound: a rolled-back change may have raised it); read once. */
  let newestChange: number | null = null;
  return {
    maxStream: () => Math.max(q.maxChange.get()?.m ?? 0, q.maxToDevice.get()?.m ?? 0),
    putDeviceKeys(userId, deviceId, keys) { q.putDevice.run(userId, deviceId, JSON.stringify(keys)); },
    deviceKeys: (userId) => new Map(q.devices.all(userId).map((r) => [r.device_id, JSON.parse(r.keys_json)])),
    deleteDevice: db.transaction((userId: string, deviceId: string) => {
      for (const st of [q.delDevice, q.delOtks, q.delFallback, q.delToDeviceAll]) st.run(userId, deviceId);
      memo.forgetDevice(userId, deviceId);
    }),
    addOneTimeKeys(userId, deviceId, keys) {
      for (const k of keys) q.addOtk.run(userId, deviceId, algorithmOf(k.keyId), k.keyId, JSON.stringify(k.key));
      memo.keysChanged(userId, deviceId);
    },
    oneTimeKeyCounts: (userId, deviceId) => memo.otkCounts(userId, deviceId,
      () => Object.fromEntries(q.otkCounts.all(userId, deviceId).map((r) => [r.algorithm, r.n]))),
    takeOneTimeKey(userId, deviceId, algorithm) {
      const k = toKey(q.firstOtk.get(userId, deviceId, algorithm));
      if (k) {
        q.delOtk.run(userId, deviceId, k.keyId);
        memo.keysChanged(userId, deviceId);
      }
      return k;
    },
    putFallbackKey(userId, deviceId, k) {
      q.putFallback.run(userId, deviceId, algorithmOf(k.keyId), k.keyId, JSON.stringify(k.key));
      memo.keysChanged(userId, deviceId);
    },
    useFallbackKey(userId, deviceId, algorithm) {
      const k = toKey(q.getFallback.get(userId, deviceId, algorithm));
      if (k) {
        q.useFallback.run(userId, deviceId, algorithm);
        memo.keysChanged(userId, deviceId);
      }
      return k;
    },
    unusedFallbackAlgorithms: (userId, deviceId) => memo.fallback(userId, deviceId,
      () => q.unusedFallback.all(userId, deviceId).map((r) => r.algorithm)),
    putCrossSigningKey(userId, usage, key) { q.putCross.run(userId, usage, JSON.stringify(key)); },
    crossSigningKeys: (userId) => new Map(q.cross.all(userId).map((r) => [r.usage, JSON.parse(r.key_json)])),
    markChanged(userId, stream) {
      q.markChanged.run(userId, stream);
      if (newestChange !== null) newestChange = Math.max(newestChange, stream);
    },
    changedBetween(from, to) {
      newestChange ??= q.maxChange.get()?.m ?? 0;
      // Most syncs come after the last key change: nothing to read.
      return newestChange <= from ? [] : q.changed.all(from, to).map((r) => r.user_id);
    },
    addToDevice(userId, deviceId, stream, message) {
      q.addToDevice.run(userId, deviceId, stream, JSON.stringify(message));
      memo.added(userId, deviceId, stream);
    },
    toDeviceBetween(userId, deviceId, from, to, limit = -1) {
      const pending = inbox(userId, deviceId);
      if (pending === null || pending.max <= from || pending.min > to) return [];
      return q.toDevice.all(userId, deviceId, from, to, limit).map((r) => ({ stream: r.stream, message: JSON.parse(r.message_json) }));
    },
    hasToDeviceUpTo: (userId, deviceId, to) => {
      const pending = inbox(userId, deviceId);
      return pending !== null && pending.min <= to;
    },
    deleteToDeviceUpTo(userId, deviceId, to) {
      q.ackToDevice.run(userId, deviceId, to);
      memo.removedUpTo(userId, deviceId, to);
    },
  };
}
