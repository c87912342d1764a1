// One room of a sliding sync response (MSC4186 "RoomResult"): everything on the first send of the
// room on a connection (`initial`), only what changed since on later ones.
import { splitStateTuple, stateTuple, type JsonObject, type StateTuple } from '../../core/events/types.js';
import type { StoredEvent } from '../../core/ports.js';
import type { Ephemeral } from '../ephemeral/index.js';
import { loadEvents, stateIdsAt } from '../events/history.js';
import type { Requester } from '../http/types.js';
import { inviteState, summaryOf } from '../sync/rooms.js';
import { formatToken } from '../tokens.js';
import type { SentRoom } from './connection.js';
import type { FactsDeps, UserRoom } from './facts.js';
import { stateSelector, widens, type RequiredStateSpec } from './required-state.js';
import type { RoomConfig } from './request.js';

export interface RoomResultDeps extends FactsDeps { ephemeral: Ephemeral }

export interface RoomInput {
  room: UserRoom;
  config: RoomConfig;
  /** Names of the lists the room is in (empty when only a subscription matched it). */
  lists: string[];
  prev: SentRoom | undefined;
  /** The position of the request's `pos`; null on the first request of a connection. */
  prevPos: number | null;
  upto: number;
  viewerId: string;
}

export interface BuiltRoom { result: JsonObject | null; sent: SentRoom }

/** Events that move a room's bump_stamp (MSC4186 "bump_stamp"), with the unstable names clients still send. */
const BUMP_TYPES = new Set([
  'm.room.create', 'm.room.message', 'm.room.encrypted', 'm.sticker', 'm.call.invite',
  'm.poll.start', 'org.matrix.msc3381.poll.start', 'm.beacon_info', 'org.matrix.msc3672.beacon_info',
]);
const BUMP_SCAN_BATCH = 50;
const BUMP_SCAN_MAX = 2000;

/** The stream position of the room's last "proper" activity at or before `upto`. */
export function bumpStamp(d: FactsDeps, roomId: string, upto: number): number {
  let before = upto + 1;
  for (let scanned = 0; scanned < BUMP_SCAN_MAX; scanned += BUMP_SCAN_BATCH) {
    const batch = d.core.storage.events.roomEventsBefore(roomId, before, BUMP_SCAN_BATCH);
    for (const ev of batch) if (BUMP_TYPES.has(ev.pdu.type)) return ev.stream;
    if (batch.length < BUMP_SCAN_BATCH) break;
    before = batch[batch.length - 1].stream;
  }
  // A very long run of state or reactions: the last event stands in.
  return d.core.storage.events.roomEventsBefore(roomId, upto + 1, 1)[0]?.stream ?? 0;
}

export function buildRoom(d: RoomResultDeps, viewer: Requester, input: RoomInput): BuiltRoom {
  const mem = input.room.membership;
  if (mem === 'invite' || mem === 'knock') return strippedRoom(d, viewer, input);
  return timelineRoom(d, viewer, input);
}

/** Invites and knocks: the stripped state the user may see before joining. */
function strippedRoom(d: RoomResultDeps, viewer: Requester, input: RoomInput): BuiltRoom {
  const { room, prev } = input;
  const sent: SentRoom = { at: room.m.stream, from: room.m.stream + 1, membership: room.membership, timelineLimit: input.config.timelineLimit, stateSpec: input.config.requiredState, isDm: room.isDm, lazySent: new Set() };
  if (prev && prev.membership === room.membership && prev.at >= room.m.stream) return { result: null, sent: { ...sent, at: prev.at } };
  const head = d.core.rooms.head(room.roomId);
  const stripped = head ? inviteState(head, viewer.userId).events : [];
  const name = stripped.find((e) => e.type === 'm.room.name')?.content.name;
  const result: JsonObject = {
    initial: true, membership: room.membership, bump_stamp: room.m.stream,
    // `stripped_state` is the MSC's name. matrix-js-sdk and matrix-rust-sdk read `invite_state`, for
    // knocks too: Element X tells a knock from an invite by the user's own member event in it.
    invite_state: stripped as unknown as JsonObject[],
    stripped_state: stripped as unknown as JsonObject[],
  };
  if (room.membership === 'knock') result.knock_state = stripped as unknown as JsonObject[];
  if (typeof name === 'string' && name !== '') result.name = name;
  if (room.isDm) result.is_dm = true;
  if (input.lists.length > 0) result.lists = input.lists;
  return { result, sent };
}

interface Timeline { page: StoredEvent[]; limited: boolean; expanded: boolean }

/** The newest `limit` events in (from, to], oldest first, and whether older ones were left out. */
function latestEvents(d: FactsDeps, roomId: string, from: number, to: number, limit: number): { page: StoredEvent[]; limited: boolean } {
  const fetched = d.core.storage.events.roomEventsBetween(roomId, from, to, limit + 1, true);
  return { page: fetched.slice(0, limit).reverse(), limited: fetched.length > limit };
}

function timeline(d: FactsDeps, input: RoomInput, initial: boolean, end: number): Timeline {
  const { room, prev, config } = input;
  const limit = config.timelineLimit;
  if (initial || !prev) return { ...latestEvents(d, room.roomId, 0, end, limit), expanded: false };
  const t = latestEvents(d, room.roomId, prev.at, end, limit);
  // A larger timeline_limit: the client gets the newest `limit` events unless it already holds
  // them all (MSC4186 "Changes to timeline_limit").
  if (limit > prev.timelineLimit && !t.limited && t.page.length < limit) {
    const full = latestEvents(d, room.roomId, 0, end, limit);
    if (full.page.length > 0 && full.page[0].stream < prev.from) return { ...full, limited: true, expanded: true };
  }
  return { ...t, expanded: false };
}

/** Rooms the user is or was joined to: timeline, required state and the room's summary fields. */
function timelineRoom(d: RoomResultDeps, viewer: Requester, input: RoomInput): BuiltRoom {
  const { room, prev, config, upto } = input;
  const userId = viewer.userId;
  const joined = room.membership === 'join';
  // Former members see the room up to where they left it.
  const visible = joined ? upto : d.history.visibleUpTo(room.roomId, userId, upto);
  const end = visible ?? room.m.stream;
  const initial = !prev || (prev.membership !== room.membership && (joined || prev.membership === 'invite' || prev.membership === 'knock'));
  const spec = config.requiredState;
  const widened = !initial && widens(prev!.stateSpec, spec);
  const isDmChanged = !initial && prev!.isDm !== room.isDm;
  const latest = Math.min(d.notifier.latestIn(room.roomId), end);
  const grows = !initial && config.timelineLimit > prev!.timelineLimit;
  if (!initial && latest <= prev!.at && !widened && !isDmChanged && !grows && prev!.membership === room.membership) {
    // No new event since `at`: moving `at` up skips nothing, and keeps receipts from being looked at twice.
    return countsOnly(d, input, { ...prev!, at: Math.max(prev!.at, end), timelineLimit: config.timelineLimit, stateSpec: spec });
  }
  let tl: Timeline;
  if (visible === null) {
    // Never joined (a rejected or withdrawn invite): their own membership event is all they may see.
    const own = d.core.storage.events.getEvent(room.m.eventId);
    tl = { page: own ? [own] : [], limited: false, expanded: false };
  } else {
    tl = timeline(d, input, initial, end);
  }
  if (!initial && tl.page.length === 0 && !widened && !isDmChanged && !tl.expanded && prev!.membership === room.membership) {
    return countsOnly(d, input, { ...prev!, at: Math.max(prev!.at, end), timelineLimit: config.timelineLimit, stateSpec: spec });
  }
  // Per-event history visibility, as in /sync: events before the user's join that the room's
  // history_visibility hides from them are left out (the page may then hold fewer than the limit).
  const seen = tl.page.length > 0 ? d.history.visibility(room.roomId, userId).filter(tl.page) : tl.page;
  const shown = d.formatter.withoutIgnored(seen, viewer);
  const state = requiredState(d, room.roomId, userId, spec, initial || widened ? null : prev!.at, visible === null ? room.m.stream : end, shown, tl.limited, initial ? new Set() : prev!.lazySent);
  const result: JsonObject = {
    membership: room.membership,
    timeline: d.formatter.formatTimeline(shown, viewer, false) as unknown as JsonObject[],
    required_state: d.formatter.formatAll(state.events, viewer, false) as unknown as JsonObject[],
    prev_batch: formatToken(tl.page.length > 0 ? tl.page[0].stream - 1 : end),
    bump_stamp: joined ? bumpStamp(d, room.roomId, end) : room.m.stream,
  };
  if (initial) result.initial = true;
  if (tl.limited) result.limited = true;
  if (tl.expanded) result.expanded_timeline = true;
  if (input.prevPos !== null) result.num_live = tl.page.filter((e) => e.stream > input.prevPos!).length;
  if (input.lists.length > 0) result.lists = input.lists;
  if (initial ? room.isDm : isDmChanged) result.is_dm = room.isDm;
  Object.assign(result, summaryFields(d, room.roomId, userId, initial, state.changedTypes));
  // matrix-rust-sdk reads a room without these counts as 0, so every joined room carries them
  // (the MSC's changelog dropped them; Element X still needs them).
  const counts = joined ? unreadCounts(d, input) : undefined;
  if (counts) [result.notification_count, result.highlight_count] = counts;
  const from = initial || tl.limited ? (tl.page[0]?.stream ?? end + 1) : prev!.from;
  return {
    result,
    sent: { at: end, from, membership: room.membership, timelineLimit: config.timelineLimit, stateSpec: spec, isDm: room.isDm, lazySent: state.lazySent, counts },
  };
}

function unreadCounts(d: RoomResultDeps, input: RoomInput): [number, number] {
  const c = d.ephemeral.counts.roomCounts(input.room.roomId, input.viewerId, input.room.m.stream, input.upto, false).unread_notifications;
  return [c.notification_count, c.highlight_count];
}

/** True when the user's own read receipt in the room moved in (from, to]. */
function ownReceiptMoved(d: RoomResultDeps, roomId: string, userId: string, from: number, to: number): boolean {
  const ev = d.ephemeral.receipts.eventFor(roomId, userId, from, to);
  if (!ev) return false;
  for (const byType of Object.values(ev.content as Record<string, Record<string, Record<string, unknown>>>)) {
    if (byType['m.read']?.[userId] || byType['m.read.private']?.[userId]) return true;
  }
  return false;
}

/**
 * A joined room with no new events is sent again, with its counts alone, when the user's own read
 * receipt changed them (read on another device, or here): the room list's unread badge follows.
 */
function countsOnly(d: RoomResultDeps, input: RoomInput, sent: SentRoom): BuiltRoom {
  const { room, prev } = input;
  if (room.membership !== 'join' || !prev || !ownReceiptMoved(d, room.roomId, input.viewerId, prev.at, input.upto)) return { result: null, sent };
  const counts = unreadCounts(d, input);
  if (prev.counts && prev.counts[0] === counts[0] && prev.counts[1] === counts[1]) return { result: null, sent };
  const result: JsonObject = { membership: room.membership, notification_count: counts[0], highlight_count: counts[1] };
  if (input.lists.length > 0) result.lists = input.lists;
  return { result, sent: { ...sent, counts } };
}

interface SelectedState { events: StoredEvent[]; changedTypes: Set<string>; lazySent: ReadonlySet<string> }

/**
 * The state to send: on a first send (since null) all current state the spec asks for; later, the
 * entries that changed since `since`. Lazy loading adds the members behind the timeline events
 * the client was not sent yet, and every membership change when the timeline has no gap.
 */
function requiredState(d: FactsDeps, roomId: string, userId: string, spec: RequiredStateSpec, since: number | null, at: number, shown: StoredEvent[], limited: boolean, lazyHeld: ReadonlySet<string>): SelectedState {
  const events = d.core.storage.events;
  const now = stateIdsAt(events, roomId, at);
  let candidates: ReadonlyMap<StateTuple, string> = now;
  const changedTypes = new Set<string>();
  if (since !== null) {
    const before = stateIdsAt(events, roomId, since);
    const changed = new Map<StateTuple, string>();
    for (const [k, v] of now) {
      if (before.get(k) === v) continue;
      changed.set(k, v);
      changedTypes.add(splitStateTuple(k)[0]);
    }
    candidates = changed;
  }
  const lazy = new Set<string>();
  if (spec.lazyMembers) {
    for (const ev of shown) {
      if (!lazyHeld.has(ev.pdu.sender)) lazy.add(ev.pdu.sender);
      if (ev.pdu.type === 'm.room.member' && ev.pdu.state_key !== undefined && !lazyHeld.has(ev.pdu.state_key)) lazy.add(ev.pdu.state_key);
    }
  }
  const select = stateSelector(spec, userId);
  const ids: string[] = [];
  const sentMembers = new Set(lazyHeld);
  for (const [k, id] of candidates) {
    const [type, key] = splitStateTuple(k);
    const lazyMember = spec.lazyMembers && type === 'm.room.member' && (lazy.has(key) || (since !== null && !limited));
    if (!select(type, key, lazy) && !lazyMember) continue;
    ids.push(id);
    if (type === 'm.room.member') sentMembers.add(key);
  }
  // Lazy members whose member event did not change since `since` still have to be sent once.
  if (since !== null) {
    for (const u of lazy) {
      const id = now.get(stateTuple('m.room.member', u));
      if (id && !candidates.has(stateTuple('m.room.member', u))) { ids.push(id); sentMembers.add(u); }
    }
  }
  return { events: loadEvents(events, ids), changedTypes, lazySent: spec.lazyMembers ? sentMembers : new Set() };
}

/** name, avatar, heroes and member counts; after the first send, name/avatar/heroes only when they changed. */
function summaryFields(d: FactsDeps, roomId: string, userId: string, initial: boolean, changedTypes: Set<string>): JsonObject {
  const head = d.core.rooms.head(roomId);
  if (!head) return {};
  const out: JsonObject = {};
  const name = head.state.get(stateTuple('m.room.name', ''))?.content.name;
  const hasName = typeof name === 'string' && name !== '';
  if (initial ? hasName : changedTypes.has('m.room.name')) out.name = hasName ? name : null;
  const url = head.state.get(stateTuple('m.room.avatar', ''))?.content.url;
  const hasAvatar = typeof url === 'string' && url !== '';
  if (initial ? hasAvatar : changedTypes.has('m.room.avatar')) out.avatar = hasAvatar ? url : null;
  const summary = summaryOf(head, userId);
  // Heroes name a room that has no name (MSC4186 "heroes").
  if (!hasName && (initial || changedTypes.has('m.room.member'))) {
    out.heroes = (summary['m.heroes'] as string[]).map((u) => {
      const c = head.state.get(stateTuple('m.room.member', u))?.content ?? {};
      const hero: JsonObject = { user_id: u };
      if (typeof c.displayname === 'string') hero.displayname = c.displayname;
      if (typeof c.avatar_url === 'string') hero.avatar_url = c.avatar_url;
      return hero;
    });
  }
  out.joined_count = summary['m.joined_member_count'];
  out.invited_count = summary['m.invited_member_count'];
  return out;
}
