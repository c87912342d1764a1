// Thread subscriptions (MSC4306) and their changes as sync sends them (MSC4308): a user marks the
// threads they follow, manually or automatically (their client, when mentioned). Every change
// takes a position on the shared stream: it is the change's `bump_stamp`, it orders an automatic
// subscription against an earlier unsubscription, and sliding sync sends the changes after `pos`.
import type { JsonObject } from '../core/events/types.js';
import type { ThreadSubscription, ThreadSubscriptionStore } from '../core/ports.js';
import type { MatrixContext } from './context.js';
import { ErrCode, MatrixError, notFound } from './errors.js';

/** The thread root, when the user may see it; 404 otherwise (the MSC's answer for both). */
function requireThread(m: MatrixContext, userId: string, roomId: string, threadId: string): void {
  const upTo = m.core.rooms.head(roomId) ? m.history.visibleUpTo(roomId, userId, m.core.stream.committed) : null;
  const root = upTo === null ? null : m.core.storage.events.getEvent(threadId);
  if (!root || root.pdu.room_id !== roomId || root.stream > upTo!) throw notFound('Unknown thread');
  // An event inside a thread is not the root of one.
  if (relThread(root.pdu.content) !== null) throw notFound('Unknown thread');
}

function relThread(content: JsonObject): string | null {
  const rel = content['m.relates_to'] as { rel_type?: unknown; event_id?: unknown } | undefined;
  return rel && typeof rel === 'object' && rel.rel_type === 'm.thread' && typeof rel.event_id === 'string' ? rel.event_id : null;
}

async function write(m: MatrixContext, userId: string, sub: Omit<ThreadSubscription, 'stream'>): Promise<void> {
  const stream = m.core.stream.next();
  await m.core.storage.writes.enqueue(() => m.core.storage.threadSubscriptions.put(userId, { ...sub, stream }));
  m.core.stream.markCommitted(stream);
  m.core.bus.publishUser({ stream, userId, kind: 'thread_subscription', roomId: sub.roomId, type: '' });
}

/** PUT: `cause` is the event that made the client subscribe automatically; absent for a manual subscription. */
export async function subscribe(m: MatrixContext, userId: string, roomId: string, threadId: string, cause: string | undefined): Promise<void> {
  requireThread(m, userId, roomId, threadId);
  const now = m.core.storage.threadSubscriptions.get(userId, roomId, threadId);
  if (cause === undefined) {
    if (now?.subscribed && !now.automatic) return;
    return write(m, userId, { roomId, threadId, subscribed: true, automatic: false });
  }
  const ev = m.core.storage.events.getEvent(cause);
  if (!ev || ev.pdu.room_id !== roomId || (cause !== threadId && relThread(ev.pdu.content) !== threadId)) {
    throw new MatrixError(400, ErrCode.NOT_IN_THREAD, 'The cause event is not in this thread');
  }
  // Already subscribed: an automatic subscription never turns a manual one into an automatic one.
  if (now?.subscribed) return;
  // The user unsubscribed after the cause event arrived: a dormant device must not undo that.
  if (now && ev.stream < now.stream) {
    throw new MatrixError(409, ErrCode.CONFLICTING_UNSUBSCRIPTION, 'The thread was unsubscribed after this event');
  }
  return write(m, userId, { roomId, threadId, subscribed: true, automatic: true });
}

export async function unsubscribe(m: MatrixContext, userId: string, roomId: string, threadId: string): Promise<void> {
  requireThread(m, userId, roomId, threadId);
  const now = m.core.storage.threadSubscriptions.get(userId, roomId, threadId);
  if (!now?.subscribed) return;
  return write(m, userId, { roomId, threadId, subscribed: false, automatic: false });
}

export function subscription(m: MatrixContext, userId: string, roomId: string, threadId: string): { automatic: boolean } {
  requireThread(m, userId, roomId, threadId);
  const now = m.core.storage.threadSubscriptions.get(userId, roomId, threadId);
  if (!now?.subscribed) throw notFound('Not subscribed to this thread');
  return { automatic: now.automatic };
}

/**
 * The user's changes with `after < stream < before`, newest first, in the MSC4308 shape; `end`
 * (a position to continue backwards from) when `limit` left some out.
 */
export function changes(store: ThreadSubscriptionStore, userId: string, after: number, before: number, limit: number): { body: JsonObject; end: number | null } {
  const rows = store.changes(userId, after, before, limit + 1);
  const page = rows.slice(0, limit);
  const subscribed: Record<string, Record<string, JsonObject>> = {};
  const unsubscribed: Record<string, Record<string, JsonObject>> = {};
  for (const r of page) {
    if (r.subscribed) (subscribed[r.roomId] ??= {})[r.threadId] = { automatic: r.automatic, bump_stamp: r.stream };
    else (unsubscribed[r.roomId] ??= {})[r.threadId] = { bump_stamp: r.stream };
  }
  const body: JsonObject = {};
  if (Object.keys(subscribed).length > 0) body.subscribed = subscribed;
  if (Object.keys(unsubscribed).length > 0) body.unsubscribed = unsubscribed;
  return { body, end: rows.length > limit ? page[page.length - 1]!.stream : null };
}
