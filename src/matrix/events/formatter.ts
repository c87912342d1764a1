// Turns stored events into client events for one viewer: applies redactions and echoes the
// transaction id to the device that sent the event.
import type { Storage, StoredEvent } from '../../core/ports.js';
import { stateTuple, type JsonObject, type Pdu } from '../../core/events/types.js';
import { getRoomVersion, redactContent } from '../../core/events/index.js';
import type { RoomService } from '../../core/rooms/service.js';
import type { AccountData } from '../../core/accounts/account-data.js';
import type { Requester } from '../http/types.js';
import { toClientEvent, type ClientEvent } from './format.js';
import type { Redactions } from './redactions.js';
import { stateIdsAt } from './history.js';
import { BoundedMap } from '../../core/bounded-map.js';

/**
 * Recently sent events' transaction ids, kept in memory: the echo only matters to a client
 * still waiting for its own send, so it need not survive a restart (the txn store keeps the
 * id -> event mapping for idempotent retries). Bounded, oldest dropped first.
 */
export class TxnEcho {
  private readonly map: BoundedMap<string, { userId: string; deviceId: string; txnId: string }>;
  constructor(max = 10000) {
    this.map = new BoundedMap(max);
  }

  remember(eventId: string, userId: string, deviceId: string, txnId: string): void {
    this.map.set(eventId, { userId, deviceId, txnId });
  }

  for(eventId: string, viewer: Requester | null): string | undefined {
    const t = this.map.get(eventId);
    return t && viewer && t.userId === viewer.userId && t.deviceId === viewer.deviceId ? t.txnId : undefined;
  }
}

export class Formatter {
  /** Adds unsigned['m.relations'] to an event that others relate to (endpoints/relations.ts). */
  bundle?: (ev: { eventId: string; pdu: Pdu }, viewer: Requester | null) => JsonObject | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly rooms: RoomService,
    private readonly redactions: Redactions,
    private readonly echo: TxnEcho,
    /** The core's account data: global entries (the ignore list, read on every /sync) are kept in memory there. */
    private readonly accountData: Pick<AccountData, 'get'>,
  ) {}

  /**
   * Timeline events without those sent by users the viewer ignores (spec "Ignoring Users":
   * m.ignored_user_list account data). State events stay: the room would not make sense without them.
   */
  /** True when the viewer's m.ignored_user_list names the user (their invites are dropped too). */
  ignores(viewer: Requester, userId: string): boolean {
    const list = this.accountData.get(viewer.userId, 'm.ignored_user_list')?.ignored_users;
    return !!list && typeof list === 'object' && !Array.isArray(list) && userId in list;
  }

  withoutIgnored<T extends { pdu: Pdu }>(evs: T[], viewer: Requester | null): T[] {
    if (!viewer || evs.length === 0) return evs;
    const list = this.accountData.get(viewer.userId, 'm.ignored_user_list')?.ignored_users;
    if (!list || typeof list !== 'object' || Array.isArray(list) || Object.keys(list).length === 0) return evs;
    const ignored = list as Record<string, unknown>;
    return evs.filter((e) => e.pdu.state_key !== undefined || e.pdu.sender === viewer.userId || !(e.pdu.sender in ignored));
  }

  format(ev: { eventId: string; pdu: Pdu }, viewer: Requester | null, includeRoomId: boolean, now = Date.now()): ClientEvent {
    const transactionId = this.echo.for(ev.eventId, viewer);
    const redaction = this.redactionOf(ev.eventId, ev.pdu, viewer, includeRoomId, now);
    const out = toClientEvent(ev.eventId, ev.pdu, { now, includeRoomId, transactionId, redaction });
    // Bundled aggregations (m.relations), set by the relations endpoints; a redacted event has none.
    const bundle = redaction ? undefined : this.bundle?.(ev, viewer);
    if (bundle) (out.unsigned as Record<string, unknown>)['m.relations'] = bundle;
    return out;
  }

  formatAll(evs: { eventId: string; pdu: Pdu }[], viewer: Requester | null, includeRoomId: boolean): ClientEvent[] {
    const now = Date.now();
    return evs.map((ev) => this.format(ev, viewer, includeRoomId, now));
  }

  /**
   * Timeline events (/sync timeline, /messages, /event) also carry `unsigned.prev_content` for
   * state events: clients tell a profile change from a join by it. State lists leave it out,
   * since it costs a state lookup per event.
   */
  formatTimeline(evs: StoredEvent[], viewer: Requester | null, includeRoomId: boolean): ClientEvent[] {
    const now = Date.now();
    return evs.map((ev) => {
      const out = this.format(ev, viewer, includeRoomId, now);
      const prev = ev.pdu.state_key === undefined ? null : this.replacedState(ev);
      if (prev) {
        out.unsigned.prev_content = prev.content;
        out.unsigned.replaces_state = prev.eventId;
      }
      return out;
    });
  }

  /** The state event this one replaced (`unsigned.replaces_state`, v1.19) and its content as the viewer sees it. */
  private replacedState(ev: StoredEvent): { eventId: string; content: JsonObject } | null {
    const tuple = stateTuple(ev.pdu.type, ev.pdu.state_key!);
    const prevId = stateIdsAt(this.storage.events, ev.pdu.room_id, ev.stream - 1).get(tuple);
    const prev = prevId ? this.storage.events.getEvent(prevId) : null;
    if (!prev) return null;
    const content = this.redactions.redactedBy(prev.eventId) === null ? prev.pdu.content : this.format(prev, null, false).content;
    return { eventId: prev.eventId, content };
  }

  private redactionOf(eventId: string, pdu: Pdu, viewer: Requester | null, includeRoomId: boolean, now: number) {
    const by = this.redactions.redactedBy(eventId);
    if (by === null) return undefined;
    const redaction = this.storage.events.getEvent(by);
    const rules = getRoomVersion(this.rooms.head(pdu.room_id)?.version ?? '');
    if (!redaction || !rules) return undefined;
    const because = toClientEvent(by, redaction.pdu, { now, includeRoomId, transactionId: this.echo.for(by, viewer) });
    return { content: redactContent(pdu.type, pdu.content, rules), because };
  }
}
