// Typing, receipts, presence and push, built once per Matrix API and shared by the endpoints
// and /sync. What /sync asks of them is in the functions below, one call per sync section.
import type { JsonObject } from '../../core/events/types.js';
import type { CoreServices } from '../../core/services.js';
import { PushCounts } from '../push/counts.js';
import { HttpPusher, type PusherOptions } from '../push/http-pusher.js';
import { UserPushRules } from '../push/user-rules.js';
import type { Presence } from '../../core/ephemeral/presence.js';
import type { Receipts } from '../../core/ephemeral/receipts.js';
import type { Typing } from '../../core/ephemeral/typing.js';

export class Ephemeral {
  readonly typing: Typing;
  readonly receipts: Receipts;
  readonly presence: Presence;
  readonly pushRules: UserPushRules;
  readonly counts: PushCounts;
  readonly pusher: HttpPusher;

  constructor(core: CoreServices, pusherOptions?: PusherOptions) {
    // The core's, shared with XMPP (chat states, displayed markers, presence).
    this.typing = core.typing;
    this.receipts = core.receipts;
    this.presence = core.presence;
    this.pushRules = new UserPushRules(core);
    this.counts = new PushCounts(core, this.pushRules, this.receipts);
    this.pusher = new HttpPusher(core, this.counts, pusherOptions);
  }

  /** The room's `ephemeral` events for a sync from `since` (null: initial) to `upto`. */
  roomEvents(roomId: string, viewer: string, since: number | null, upto: number): { type: string; content: JsonObject }[] {
    const out: { type: string; content: JsonObject }[] = [];
    const typingAt = this.typing.changedAt(roomId);
    const typers = this.typing.usersIn(roomId);
    if (since === null ? typers.length > 0 : typingAt > since && typingAt <= upto) out.push({ type: 'm.typing', content: { user_ids: typers } });
    const receipt = this.receipts.eventFor(roomId, viewer, since ?? 0, upto);
    if (receipt) out.push(receipt);
    return out;
  }

  /**
   * Global account data for a sync, with `m.push_rules` added to an initial sync when the user
   * never changed their rules (it is stored only then), as clients expect it there.
   */
  withPushRules<T extends { type: string; content: JsonObject }>(global: T[], userId: string, since: number | null): (T | { type: string; content: JsonObject })[] {
    if (since !== null || global.some((e) => e.type === 'm.push_rules')) return global;
    const content = JSON.parse(JSON.stringify({ global: this.pushRules.ruleset(userId) })) as JsonObject;
    return [...global, { type: 'm.push_rules', content }];
  }

  close(): void {
    this.pusher.close();
  }
}
