// Notification counts and the notification list, computed from the push rules over the events
// after the user's read receipt (spec push.md "Receiving notifications", notifications.yaml).
// Computed when asked rather than stored per event: the counts are then always consistent with
// the events and receipts a sync reads, at the cost of reading the unread events again.
import type { StoredEvent } from '../../core/ports.js';
import type { CoreServices } from '../../core/services.js';
import type { Receipts } from '../ephemeral/receipts.js';
import { evaluate, type PushOutcome } from './evaluate.js';
import { pushContext, pushEventOf } from './context.js';
import type { UserPushRules } from './user-rules.js';

/** Most unread events looked at per room; clients show "99+" long before this. */
export const MAX_COUNTED = 1000;
/** Events looked at per room for one page of GET /notifications. */
const NOTIFICATION_SCAN = 200;

export interface Notified { ev: StoredEvent; outcome: PushOutcome; read: boolean }

export class PushCounts {
  constructor(private readonly core: CoreServices, private readonly rules: UserPushRules, private readonly receipts: Receipts) {}

  outcome(ev: StoredEvent, userId: string): PushOutcome | null {
    const head = this.core.rooms.head(ev.pdu.room_id);
    if (!head) return null;
    return evaluate(this.rules.ruleset(userId), pushEventOf(ev.pdu, ev.eventId), pushContext(head, userId, ev.pdu.sender));
  }

  /** Counts of events after the user's read receipt (or their join, `since`) up to `upto`. */
  unread(roomId: string, userId: string, joinedAt: number, upto: number): { notification_count: number; highlight_count: number } {
    const from = this.receipts.readUpTo(roomId, userId) ?? joinedAt;
    let notification_count = 0;
    let highlight_count = 0;
    for (const ev of this.core.storage.events.roomEventsBetween(roomId, from, upto, MAX_COUNTED, true)) {
      if (ev.pdu.sender === userId) continue;
      const o = this.outcome(ev, userId);
      if (o?.notify) notification_count++;
      if (o?.notify && o.highlight) highlight_count++;
    }
    return { notification_count, highlight_count };
  }

  /** Notifying events of the user's joined rooms before `before` (exclusive), newest first. */
  list(userId: string, before: number, limit: number, onlyHighlight: boolean): Notified[] {
    const found: Notified[] = [];
    for (const r of this.core.storage.rooms.roomsForUser(userId, ['join'])) {
      const readTo = this.receipts.readUpTo(r.roomId, userId) ?? 0;
      for (const ev of this.core.storage.events.roomEventsBefore(r.roomId, before, NOTIFICATION_SCAN)) {
        if (ev.pdu.sender === userId) continue;
        const o = this.outcome(ev, userId);
        if (!o?.notify || (onlyHighlight && !o.highlight)) continue;
        found.push({ ev, outcome: o, read: ev.stream <= readTo });
      }
    }
    return found.sort((a, b) => b.ev.stream - a.ev.stream).slice(0, limit);
  }
}
