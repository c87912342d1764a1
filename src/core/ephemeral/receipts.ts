// Receipts (spec receipts.md): stored per user, type and thread, shown in /sync as m.receipt
// ephemeral events. m.read.private is shown only to its owner.
import type { JsonObject } from '../events/types.js';
import type { StoredReceipt } from '../ports.js';
import type { CoreServices } from '../services.js';
import { commitPosition, wakeRoom } from './position.js';

/** A receipt written, and the front end it came from ('matrix', 'xmpp'), so that one does not echo it. */
export interface ReceiptChange { roomId: string; userId: string; type: string; eventId: string; threadId: string | null; origin: string }

const MAX_READ_UP_TO = 50000;

export class Receipts {
  private readonly listeners = new Set<(c: ReceiptChange) => void>();
  /** Each room's newest receipt position: a sync skips the receipt query for rooms without new ones. */
  private readonly latest = new Map<string, number>();
  /** readUpTo answers per room and user, until the user's next receipt in the room. */
  private readonly readTo = new Map<string, number | null>();

  constructor(private readonly core: CoreServices) {}

  async put(roomId: string, userId: string, type: string, eventId: string, threadId: string | null, origin = 'matrix'): Promise<void> {
    const r: StoredReceipt = { roomId, userId, type, threadId, eventId, ts: Date.now(), stream: 0 };
    const pos = await commitPosition(this.core, (at) => {
      this.core.storage.receipts.put({ ...r, stream: at });
      // Noted with the write, before the position commits, so no sync at `at` can miss it.
      if (this.latest.has(roomId)) this.latest.set(roomId, at);
      this.readTo.delete(`${roomId}\u0000${userId}`);
    });
    wakeRoom(this.core, roomId, 'm.receipt', pos);
    for (const fn of this.listeners) {
      try { fn({ roomId, userId, type, eventId, threadId, origin }); } catch (err) { this.core.logger.warn({ err }, 'receipt listener failed'); }
    }
  }

  /** Called after each receipt is stored (XMPP turns m.read into XEP-0333 displayed markers). */
  onChange(fn: (c: ReceiptChange) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  private latestIn(roomId: string): number {
    let pos = this.latest.get(roomId);
    if (pos === undefined) this.latest.set(roomId, (pos = this.core.storage.receipts.latestIn(roomId)));
    return pos;
  }

  /**
   * The stream position of the event the user last read in the room (their newest m.read or
   * m.read.private, unthreaded or on the main thread), or null when they sent none.
   */
  readUpTo(roomId: string, userId: string): number | null {
    const key = `${roomId}\u0000${userId}`;
    const known = this.readTo.get(key);
    if (known !== undefined) return known;
    const best = this.readUpToUncached(roomId, userId);
    if (this.readTo.size >= MAX_READ_UP_TO) this.readTo.clear();
    this.readTo.set(key, best);
    return best;
  }

  private readUpToUncached(roomId: string, userId: string): number | null {
    let best: number | null = null;
    for (const r of this.core.storage.receipts.ofUser(roomId, userId)) {
      if (r.type !== 'm.read' && r.type !== 'm.read.private') continue;
      if (r.threadId !== null && r.threadId !== 'main') continue;
      const at = this.core.storage.events.getEvent(r.eventId)?.stream;
      if (at !== undefined && (best === null || at > best)) best = at;
    }
    return best;
  }

  /** Where the user's read receipts (m.read or m.read.private) point: unthreaded, and per thread ('main' included). */
  readMarks(roomId: string, userId: string): { unthreaded: number | null; threads: Map<string, number> } {
    let unthreaded: number | null = null;
    const threads = new Map<string, number>();
    for (const r of this.core.storage.receipts.ofUser(roomId, userId)) {
      if (r.type !== 'm.read' && r.type !== 'm.read.private') continue;
      const at = this.core.storage.events.getEvent(r.eventId)?.stream;
      if (at === undefined) continue;
      if (r.threadId === null) unthreaded = Math.max(unthreaded ?? 0, at);
      else threads.set(r.threadId, Math.max(threads.get(r.threadId) ?? 0, at));
    }
    // An unthreaded receipt reads every thread up to it.
    if (unthreaded !== null) for (const [t, at] of threads) threads.set(t, Math.max(at, unthreaded));
    return { unthreaded, threads };
  }

  /** The m.receipt event for a viewer, of receipts written in (from, to]; null when there are none to show. */
  eventFor(roomId: string, viewer: string, from: number, to: number): { type: string; content: JsonObject } | null {
    if (this.latestIn(roomId) <= from) return null;
    const content: Record<string, Record<string, Record<string, JsonObject>>> = {};
    for (const r of this.core.storage.receipts.between(roomId, from, to)) {
      if (r.type === 'm.read.private' && r.userId !== viewer) continue;
      const byType = (content[r.eventId] ??= {});
      const byUser = (byType[r.type] ??= {});
      byUser[r.userId] = r.threadId === null ? { ts: r.ts } : { ts: r.ts, thread_id: r.threadId };
    }
    return Object.keys(content).length === 0 ? null : { type: 'm.receipt', content: content as unknown as JsonObject };
  }
}
