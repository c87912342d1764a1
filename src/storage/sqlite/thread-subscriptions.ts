// Thread subscriptions (core/ports.ts ThreadSubscriptionStore, MSC4306): one row per user and
// thread, the latest change only (MSC4308: intermediate states are never sent).
import type Database from 'better-sqlite3';
import type { ThreadSubscription, ThreadSubscriptionStore } from '../../core/ports.js';

interface Row { room_id: string; thread_id: string; subscribed: number; automatic: number; stream: number }

const toSub = (r: Row): ThreadSubscription => ({
  roomId: r.room_id, threadId: r.thread_id, subscribed: r.subscribed === 1, automatic: r.automatic === 1, stream: r.stream,
});

export function sqliteThreadSubscriptionStore(db: Database.Database): ThreadSubscriptionStore {
  const get = db.prepare<[string, string, string], Row>(
    'SELECT room_id, thread_id, subscribed, automatic, stream FROM thread_subscriptions WHERE user_id = ? AND room_id = ? AND thread_id = ?');
  const put = db.prepare(`INSERT OR REPLACE INTO thread_subscriptions (user_id, room_id, thread_id, subscribed, automatic, stream)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const changes = db.prepare<[string, number, number, number], Row>(
    `SELECT room_id, thread_id, subscribed, automatic, stream FROM thread_subscriptions
     WHERE user_id = ? AND stream > ? AND stream < ? ORDER BY stream DESC LIMIT ?`);
  return {
    get(userId, roomId, threadId) {
      const r = get.get(userId, roomId, threadId);
      return r ? toSub(r) : null;
    },
    put(userId, s) {
      put.run(userId, s.roomId, s.threadId, s.subscribed ? 1 : 0, s.automatic ? 1 : 0, s.stream);
    },
    changes: (userId, after, before, limit) => changes.all(userId, after, before, limit).map(toSub),
  };
}
