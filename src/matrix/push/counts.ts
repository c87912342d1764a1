// Notification counts and the notification list, computed from the push rules over the events
// after the user's read receipt (spec push.md "Receiving notifications", notifications.yaml).
// Computed when asked rather than stored per event: the counts are then always consistent with
// the events and receipts a sync reads, at the cost of reading the unread events again. Only
// events the user may see (per-event history visibility, events/visibility.ts) count or are listed:
// a read receipt from before a leave and rejoin must not count what happened while away.
import type { StoredEvent } from '../../core/ports.js';
import type { CoreServices } from '../../core/services.js';
import type { Receipts } from '../../core/ephemeral/receipts.js';
import { evaluate, type PushOutcome } from './evaluate.js';
import { roomPushContext, pushEventOf } from './context.js';
import type { PushContext } from './evaluate.js';
import type { UserPushRules } from './user-rules.js';
import { MAIN_THREAD, threadOf } from './threads.js';
import { History } from '../events/history.js';

/** Most unread events looked at per room; clients show "99+" long before this. */
export const MAX_COUNTED = 1000;
/** Events looked at per room for one page of GET /notifications. */
const NOTIFICATION_SCAN = 200;

export type Counts = { notification_count: number; highlight_count: number };

export interface Notified { ev: StoredEvent; outcome: PushOutcome; read: boolean }

interface CountsMemo { from: number; upto: number; stateGroup: number; rules: object; counts: Counts }
const MAX_MEMO = 50000;

function add(c: Counts, o: PushOutcome): void {
  if (o.notify) c.notification_count++;
  if (o.notify && o.highlight) c.highlight_count++;
}

export class PushCounts {
  /** The last unread count per (room, user), extended with new events while still valid. */
  private readonly memo = new Map<string, CountsMemo>();
  private readonly history: History;
  constructor(private readonly core: CoreServices, private readonly rules: UserPushRules, private readonly receipts: Receipts) {
    this.history = new History(core.storage, core.rooms);
  }

  /**
   * Whether the user may see an event of the room. Events from `joinedAt` (their current join)
   * on are visible without reading anything; for earlier ones the visibility is read once.
   */
  private seer(roomId: string, userId: string, joinedAt: number): (ev: StoredEvent) => boolean {
    let sees: ((ev: StoredEvent) => boolean) | undefined;
    return (ev) => ev.stream >= joinedAt || (sees ??= this.history.visibility(roomId, userId).sees)(ev);
  }

  /** The user's push outcome for events of one room; null when the room is unknown. */
  evaluator(roomId: string, userId: string): ((ev: StoredEvent) => PushOutcome) | null {
    const head = this.core.rooms.head(roomId);
    if (!head) return null;
    const rules = this.rules.ruleset(userId);
    const contextFor = roomPushContext(head, userId);
    const bySender = new Map<string, PushContext>();
    return (ev) => {
      let ctx = bySender.get(ev.pdu.sender);
      if (!ctx) bySender.set(ev.pdu.sender, (ctx = contextFor(ev.pdu.sender)));
      return evaluate(rules, pushEventOf(ev.pdu, ev.eventId), ctx);
    };
  }

  outcome(ev: StoredEvent, userId: string): PushOutcome | null {
    return this.evaluator(ev.pdu.room_id, userId)?.(ev) ?? null;
  }

  /**
   * Counts of events after the user's read receipt (or their join, `joinedAt`) up to `upto`.
   * The user's own newest event counts as a receipt too (spec push.md "Marking notifications
   * as read": "by using the API or by sending an event").
   */
  unread(roomId: string, userId: string, joinedAt: number, upto: number): Counts {
    const from = this.receipts.readUpTo(roomId, userId) ?? joinedAt;
    const outcome = this.evaluator(roomId, userId);
    if (!outcome) return { notification_count: 0, highlight_count: 0 };
    const key = `${roomId}\u0000${userId}`;
    const memo = this.memo.get(key);
    const stateGroup = this.core.rooms.head(roomId)!.stateGroup;
    const rules = this.rules.ruleset(userId);
    if (memo && memo.from === from && memo.stateGroup === stateGroup && memo.rules === rules && upto >= memo.upto) {
      if (this.extend(memo, roomId, userId, joinedAt, upto, outcome)) return { ...memo.counts };
    }
    const counts = { notification_count: 0, highlight_count: 0 };
    const sees = this.seer(roomId, userId, joinedAt);
    for (const ev of this.core.storage.events.roomEventsBetween(roomId, from, upto, MAX_COUNTED, true)) {
      if (ev.pdu.sender === userId) break;
      if (sees(ev)) add(counts, outcome(ev));
    }
    if (this.memo.size >= MAX_MEMO) this.memo.clear();
    this.memo.set(key, { from, upto, stateGroup, rules, counts });
    return { ...counts };
  }

  /**
   * Counts only the events after the last answer, when nothing that decides the earlier ones
   * changed (receipt, room state, rules). A new event by the user or a redaction means a full
   * count instead. Without this every /sync re-evaluated up to 1,000 events. The cap holds for
   * a full count only: counting on from it keeps adding, so a busy room's count goes past it.
   * A batch larger than the cap is counted in full.
   */
  private extend(memo: CountsMemo, roomId: string, userId: string, joinedAt: number, upto: number, outcome: (ev: StoredEvent) => PushOutcome): boolean {
    if (upto === memo.upto) return true;
    const added = this.core.storage.events.roomEventsBetween(roomId, memo.upto, upto, MAX_COUNTED, false);
    if (added.length >= MAX_COUNTED) return false;
    if (added.some((ev) => ev.pdu.sender === userId || ev.pdu.type === 'm.room.redaction')) return false;
    const sees = this.seer(roomId, userId, joinedAt);
    for (const ev of added) if (sees(ev)) add(memo.counts, outcome(ev));
    memo.upto = upto;
    return true;
  }

  /**
   * The room's counts for /sync. With `threads` (the filter's unread_thread_notifications), events
   * in a thread are counted per thread root, each reset by a receipt for that thread or an
   * unthreaded one; without it everything counts for the room.
   */
  roomCounts(roomId: string, userId: string, joinedAt: number, upto: number, threads: boolean): { unread_notifications: Counts; unread_thread_notifications?: Record<string, Counts> } {
    if (!threads) return { unread_notifications: this.unread(roomId, userId, joinedAt, upto) };
    const marks = this.receipts.readMarks(roomId, userId);
    const from = Math.max(joinedAt, marks.unthreaded ?? 0);
    const main: Counts = { notification_count: 0, highlight_count: 0 };
    const perThread: Record<string, Counts> = {};
    const outcome = this.evaluator(roomId, userId);
    if (!outcome) return { unread_notifications: main, unread_thread_notifications: perThread };
    // Threads in which the user has written since (their own event reads the thread up to it).
    const answered = new Set<string>();
    const contentOf = (id: string) => this.core.storage.events.getEvent(id)?.pdu.content ?? null;
    const sees = this.seer(roomId, userId, joinedAt);
    for (const ev of this.core.storage.events.roomEventsBetween(roomId, from, upto, MAX_COUNTED, true)) {
      if (!sees(ev)) continue;
      const thread = threadOf(ev.pdu.content, contentOf);
      if (ev.pdu.sender === userId) { answered.add(thread); continue; }
      const readTo = marks.threads.get(thread);
      if (answered.has(thread) || (readTo !== undefined && ev.stream <= readTo)) continue;
      const o = outcome(ev);
      if (!o.notify) continue;
      const c = thread === MAIN_THREAD ? main : (perThread[thread] ??= { notification_count: 0, highlight_count: 0 });
      c.notification_count++;
      if (o.highlight) c.highlight_count++;
    }
    return { unread_notifications: main, unread_thread_notifications: perThread };
  }

  /** Notifying events of the user's joined rooms before `before` (exclusive), newest first. */
  list(userId: string, before: number, limit: number, onlyHighlight: boolean): Notified[] {
    const found: Notified[] = [];
    for (const r of this.core.storage.rooms.roomsForUser(userId, ['join'])) {
      const readTo = this.receipts.readUpTo(r.roomId, userId) ?? 0;
      const outcome = this.evaluator(r.roomId, userId);
      if (!outcome) continue;
      const sees = this.seer(r.roomId, userId, r.stream);
      for (const ev of this.core.storage.events.roomEventsBefore(r.roomId, before, NOTIFICATION_SCAN)) {
        if (ev.pdu.sender === userId || !sees(ev)) continue;
        const o = outcome(ev);
        if (!o.notify || (onlyHighlight && !o.highlight)) continue;
        found.push({ ev, outcome: o, read: ev.stream <= readTo });
      }
    }
    return found.sort((a, b) => b.ev.stream - a.ev.stream).slice(0, limit);
  }
}
