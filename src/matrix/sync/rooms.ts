// One room's part of a /sync response (spec sync.yaml: Joined Room, Invited Room, Left Room).
import type { CoreServices } from '../../core/services.js';
import { splitStateTuple, stateTuple, type JsonObject, type StateTuple } from '../../core/events/types.js';
import { memberLists, type RoomHead } from '../../core/rooms/head.js';
import type { Requester } from '../http/types.js';
import type { Formatter } from '../events/formatter.js';
import { toStrippedState, type ClientEvent, type StrippedStateEvent } from '../events/format.js';
import { loadEvents, stateIdsAt, type History } from '../events/history.js';
import type { StoredEvent } from '../../core/ports.js';
import { formatToken } from '../tokens.js';
import { DEFAULT_TIMELINE_LIMIT, eventMatches, type SyncFilter } from './filter.js';
import { isMemberTuple, lazyMemberState, type LazyMemberCache } from './lazy-members.js';

export interface RoomSyncDeps {
  core: CoreServices;
  formatter: Formatter;
  history: History;
  lazyMembers: LazyMemberCache;
}

export interface TimelineSpan {
  roomId: string;
  /** Exclusive lower bound of the timeline: the since position, or 0 for the whole room. */
  from: number;
  /** Inclusive upper bound: the sync's position, or the user's leave. */
  to: number;
  /** State the client already has is at `since`; null means it has none. */
  since: number | null;
  /** Send the whole state at the start of the timeline, not only what changed since `since`. */
  fullState: boolean;
  /** The response's next_batch position (lazy loading remembers what each response carried). */
  nextBatch: number;
  /** Events from here on are visible without a check (the user's current join). */
  visibleFrom?: number;
  /** The summary's heroes, whose member events lazy loading must send. */
  heroes?: string[];
  /**
   * `use_state_after` (v1.16, MSC4222): the state up to the end of the timeline goes under this
   * key (the stable one, or the MSC's, which matrix-js-sdk 37 asks for) instead of `state`.
   */
  stateAfter?: StateAfterKey;
}

export type StateAfterKey = 'state_after' | 'org.matrix.msc4222.state_after';

/** `timeline`, and exactly one of `state` (up to the timeline's start) and a state-after key (up to its end). */
export type TimelineAndState = {
  timeline: { events: ClientEvent[]; limited: boolean; prev_batch: string };
} & { [K in 'state' | StateAfterKey]?: { events: ClientEvent[] } };

/** The state events of a response in whichever form it has them. */
export function stateEventsOf(ts: TimelineAndState): ClientEvent[] {
  return (ts.state ?? ts.state_after ?? ts['org.matrix.msc4222.state_after'])?.events ?? [];
}

/** Entries of `now` that differ from `before`: the state changes between two points. */
function stateDiff(now: ReadonlyMap<StateTuple, string>, before: ReadonlyMap<StateTuple, string>): Map<StateTuple, string> {
  const out = new Map<StateTuple, string>();
  for (const [k, v] of now) if (before.get(k) !== v) out.set(k, v);
  return out;
}

export function timelineAndState(d: RoomSyncDeps, span: TimelineSpan, filter: SyncFilter, viewer: Requester): TimelineAndState {
  const events = d.core.storage.events;
  const limit = filter.room.timeline.limit ?? DEFAULT_TIMELINE_LIMIT;
  const fetched = events.roomEventsBetween(span.roomId, span.from, span.to, limit + 1, true);
  const limited = fetched.length > limit;
  const page = fetched.slice(0, limit).reverse();
  // The point just before the first event of the timeline: where state is taken and where
  // backwards pagination starts.
  const start = page.length > 0 ? page[0].stream - 1 : span.to;
  // With state_after the state is taken at the end of the timeline, and every change since
  // `since` is in it (the client takes none from the timeline).
  const at = span.stateAfter ? span.to : start;
  let stateIds: ReadonlyMap<StateTuple, string>;
  if (span.fullState || span.since === null) stateIds = stateIdsAt(events, span.roomId, at);
  else if (limited || span.stateAfter) stateIds = stateDiff(stateIdsAt(events, span.roomId, at), stateIdsAt(events, span.roomId, span.since));
  else stateIds = new Map();
  // Filters apply after the page is read, so a filtered timeline may hold fewer than `limit`.
  const matching = page.filter((e) => eventMatches(filter.room.timeline, e.pdu));
  const checked = matching.length > 0 && matching[0].stream < (span.visibleFrom ?? Infinity)
    ? d.history.visibility(span.roomId, viewer.userId).filter(matching) : matching;
  const shown = d.formatter.withoutIgnored(checked, viewer);
  if (filter.room.state.lazyLoadMembers) stateIds = lazyState(d, span, viewer, filter, { stateIds, start: at, limited: limited || !!span.stateAfter, shown });
  const state = loadEvents(events, stateIds.values()).filter((e) => eventMatches(filter.room.state, e.pdu));
  return {
    timeline: { events: d.formatter.formatTimeline(shown, viewer, false), limited, prev_batch: formatToken(start) },
    [span.stateAfter ?? 'state']: { events: d.formatter.formatAll(state, viewer, false) },
  };
}

/** Narrows the state to the members lazy loading asks for, and remembers what the device got. */
function lazyState(d: RoomSyncDeps, span: TimelineSpan, viewer: Requester, filter: SyncFilter,
  r: { stateIds: ReadonlyMap<StateTuple, string>; start: number; limited: boolean; shown: StoredEvent[] }): ReadonlyMap<StateTuple, string> {
  const cache = d.lazyMembers;
  const fresh = span.fullState || span.since === null;
  if (fresh) cache.reset(viewer, span.roomId);
  const wanted = new Set(r.shown.map((e) => e.pdu.sender));
  if (fresh) wanted.add(viewer.userId);
  for (const h of span.heroes ?? []) wanted.add(h);
  let atStart: ReadonlyMap<StateTuple, string> | null = fresh ? r.stateIds : null;
  const out = lazyMemberState({
    stateIds: r.stateIds,
    gap: !fresh && r.limited,
    wanted,
    memberAt: (u) => (atStart ??= stateIdsAt(d.core.storage.events, span.roomId, r.start)).get(stateTuple('m.room.member', u)),
    redundant: (u, id) => !filter.room.state.includeRedundantMembers && cache.has(viewer, span.roomId, u, id, span.since),
  });
  const sent: [string, string][] = [];
  for (const [t, id] of out) if (isMemberTuple(t)) sent.push([splitStateTuple(t)[1], id]);
  for (const e of r.shown) if (e.pdu.type === 'm.room.member' && e.pdu.state_key !== undefined) sent.push([e.pdu.state_key, e.eventId]);
  cache.record(viewer, span.roomId, sent, span.nextBatch);
  return out;
}

/** Spec RoomSummary: heroes (up to 5 other joined or invited members, else former ones) and counts. */
export function summaryOf(head: RoomHead, userId: string): JsonObject {
  const { joined, invited, former } = memberLists(head);
  const others = [...joined, ...invited].filter((u) => u !== userId);
  const heroes = (others.length > 0 ? others : former.filter((u) => u !== userId)).slice(0, 5);
  return { 'm.heroes': heroes, 'm.joined_member_count': joined.length, 'm.invited_member_count': invited.length };
}

/** The state an invitee sees before joining (spec "Stripped state"), with their own invite. */
const INVITE_STATE_TYPES = [
  'm.room.create', 'm.room.name', 'm.room.avatar', 'm.room.topic',
  'm.room.join_rules', 'm.room.canonical_alias', 'm.room.encryption',
];

export function inviteState(head: RoomHead, userId: string): { events: StrippedStateEvent[] } {
  const out: StrippedStateEvent[] = [];
  for (const type of INVITE_STATE_TYPES) {
    const ev = head.state.get(stateTuple(type, ''));
    if (ev) out.push(toStrippedState(ev));
  }
  const self = head.state.get(stateTuple('m.room.member', userId));
  if (self) out.push(toStrippedState(self));
  return { events: out };
}

export function accountDataEvents(entries: { type: string; content: JsonObject }[] | undefined): { events: { type: string; content: JsonObject }[] } {
  return { events: (entries ?? []).map((e) => ({ type: e.type, content: e.content })) };
}
