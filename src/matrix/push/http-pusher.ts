// HTTP pushers: for each new event, each local member with pushers whose push rules say
// "notify" gets a POST to their push gateway (spec push-gateway-api.md), retried with backoff.
import type { RoomEventNotice } from '../../core/bus.js';
import type { JsonObject } from '../../core/events/types.js';
import type { CoreServices } from '../../core/services.js';
import { stateEvent } from '../../core/rooms/head.js';
import { notifyBody, type NotifyInput } from './gateway-body.js';
import type { PushCounts } from './counts.js';

export interface PusherOptions {
  /** Delays before each retry of a failed delivery, in ms. */
  retryDelaysMs: number[];
  requestTimeoutMs: number;
}

const DEFAULTS: PusherOptions = { retryDelaysMs: [1000, 5000, 30000, 120000], requestTimeoutMs: 15000 };

export class HttpPusher {
  private readonly timers = new Set<NodeJS.Timeout>();
  // Every event is looked at for every local recipient: their pushers are read from memory, not
  // with a query per recipient per event. POST /pushers/set calls forget().
  private readonly cache = new Map<string, JsonObject[]>();
  private readonly stop: () => void;
  private closed = false;

  constructor(private readonly core: CoreServices, private readonly counts: PushCounts, private readonly opts: PusherOptions = DEFAULTS) {
    this.stop = core.bus.onRoomEvent((n) => this.onEvent(n));
  }

  close(): void {
    this.closed = true;
    this.stop();
    for (const t of this.timers) clearTimeout(t);
  }

  pushersOf(userId: string): JsonObject[] {
    let list = this.cache.get(userId);
    if (!list) this.cache.set(userId, (list = this.core.storage.pushers.forUser(userId)));
    return list;
  }

  /** Drops cached pushers (a set without `append` can take a pushkey from other users too). */
  forget(): void { this.cache.clear(); }

  private onEvent(n: RoomEventNotice): void {
    for (const userId of n.recipients) {
      if (userId === n.pdu.sender || this.core.accounts.localpartOf(userId) === null) continue;
      const pushers = this.pushersOf(userId);
      if (pushers.length === 0) continue;
      const outcome = this.counts.outcome({ stream: n.stream, eventId: n.eventId, pdu: n.pdu, stateGroup: 0 }, userId);
      if (!outcome?.notify) continue;
      const input = this.input(n, userId, outcome.actions);
      for (const p of pushers) if (p.kind === 'http') this.deliver(userId, p, notifyBody(input, p), 0);
    }
  }

  private input(n: RoomEventNotice, userId: string, actions: NotifyInput['actions']): NotifyInput {
    const head = this.core.rooms.head(n.roomId);
    const name = head ? stateEvent(head, 'm.room.name')?.content.name : undefined;
    const senderName = head ? stateEvent(head, 'm.room.member', n.pdu.sender)?.content.displayname : undefined;
    let unread = 0;
    for (const r of this.core.storage.rooms.roomsForUser(userId, ['join'])) unread += this.counts.unread(r.roomId, userId, r.stream, n.stream).notification_count;
    return {
      eventId: n.eventId, roomId: n.roomId, type: n.pdu.type, sender: n.pdu.sender, content: n.pdu.content,
      senderDisplayName: typeof senderName === 'string' ? senderName : null,
      roomName: typeof name === 'string' ? name : null,
      userIsTarget: n.pdu.type === 'm.room.member' && n.pdu.state_key === userId,
      actions, unread,
    };
  }

  private deliver(userId: string, pusher: JsonObject, body: JsonObject, attempt: number): void {
    const url = (pusher.data as JsonObject | undefined)?.url;
    if (typeof url !== 'string' || this.closed) return;
    fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.opts.requestTimeoutMs),
    }).then(async (res) => {
      if (res.status >= 500 || res.status === 429) throw new Error(`gateway answered ${res.status}`);
      const answer = await res.json().catch(() => ({})) as { rejected?: unknown };
      // Spec: a rejected pushkey is no longer valid; the pusher is removed.
      if (Array.isArray(answer.rejected) && answer.rejected.includes(pusher.pushkey)) void this.drop(userId, pusher);
    }).catch((err: unknown) => {
      const delay = this.opts.retryDelaysMs[attempt];
      if (delay === undefined || this.closed) {
        this.core.logger.warn({ err, url }, 'push gateway unreachable; notification dropped');
        return;
      }
      const t = setTimeout(() => { this.timers.delete(t); this.deliver(userId, pusher, body, attempt + 1); }, delay);
      t.unref();
      this.timers.add(t);
    });
  }

  private async drop(userId: string, p: JsonObject): Promise<void> {
    await this.core.storage.writes.enqueue(() => this.core.storage.pushers.remove(userId, String(p.app_id), String(p.pushkey)));
    this.forget();
  }
}
