// Matrix receipts and pushers (spec receipts.md, pusher.yaml): small tables of the push module.
import type Database from 'better-sqlite3';
import type { JsonObject } from '../../core/events/types.js';
import type { PusherStore, ReceiptStore, StoredReceipt } from '../../core/ports.js';

interface ReceiptRow { room_id: string; user_id: string; receipt_type: string; thread_id: string; event_id: string; ts: number; stream: number }

// The unthreaded receipt is stored with thread_id '' so it can be part of the primary key.
const toReceipt = (r: ReceiptRow): StoredReceipt => ({
  roomId: r.room_id, userId: r.user_id, type: r.receipt_type, threadId: r.thread_id === '' ? null : r.thread_id,
  eventId: r.event_id, ts: r.ts, stream: r.stream,
});

export function sqliteReceiptStore(db: Database.Database): ReceiptStore {
  const max = db.prepare<[], { m: number | null }>('SELECT MAX(stream) AS m FROM receipts');
  const put = db.prepare(
    `INSERT INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, ts, stream) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (room_id, user_id, receipt_type, thread_id) DO UPDATE SET event_id = excluded.event_id, ts = excluded.ts, stream = excluded.stream`);
  const between = db.prepare<[string, number, number], ReceiptRow>(
    'SELECT * FROM receipts WHERE room_id = ? AND stream > ? AND stream <= ? ORDER BY stream');
  const ofUser = db.prepare<[string, string], ReceiptRow>('SELECT * FROM receipts WHERE room_id = ? AND user_id = ?');
  const latest = db.prepare<[string], { m: number | null }>('SELECT MAX(stream) AS m FROM receipts WHERE room_id = ?');
  return {
    maxStream: () => max.get()?.m ?? 0,
    put(r) { put.run(r.roomId, r.userId, r.type, r.threadId ?? '', r.eventId, r.ts, r.stream); },
    latestIn: (roomId) => latest.get(roomId)?.m ?? 0,
    between: (roomId, from, to) => between.all(roomId, from, to).map(toReceipt),
    ofUser: (roomId, userId) => ofUser.all(roomId, userId).map(toReceipt),
  };
}

export function sqlitePusherStore(db: Database.Database): PusherStore {
  const forUser = db.prepare<[string], { pusher_json: string }>('SELECT pusher_json FROM pushers WHERE user_id = ? ORDER BY app_id, pushkey');
  const put = db.prepare(
    `INSERT INTO pushers (user_id, app_id, pushkey, pusher_json, device_id) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id, app_id, pushkey) DO UPDATE SET pusher_json = excluded.pusher_json, device_id = excluded.device_id`);
  const remove = db.prepare('DELETE FROM pushers WHERE user_id = ? AND app_id = ? AND pushkey = ?');
  const removeOthers = db.prepare('DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id <> ?');
  return {
    forUser: (userId) => forUser.all(userId).map((r) => JSON.parse(r.pusher_json) as JsonObject),
    put(userId, appId, pushkey, pusher, deviceId) { put.run(userId, appId, pushkey, JSON.stringify(pusher), deviceId); },
    remove(userId, appId, pushkey) { remove.run(userId, appId, pushkey); },
    removeOthers(appId, pushkey, keepUserId) { removeOthers.run(appId, pushkey, keepUserId); },
  };
}
