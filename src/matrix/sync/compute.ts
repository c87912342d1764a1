// Computing one /sync response (spec sync.yaml) at the committed stream position. Everything is
// read synchronously at one position, so a response never shows half of a group commit.
import { stateTuple, type JsonObject } from '../../core/events/types.js';
import type { Requester } from '../http/types.js';
import type { History } from '../events/history.js';
import { stateIdsAt } from '../events/history.js';
import { formatSyncToken, formatToken } from '../tokens.js';
import { eventMatches, excludesAll, roomMatches, type SyncFilter } from './filter.js';
import type { SyncNotifier } from './notifier.js';
import { accountDataEvents, inviteState, stateEventsOf, summaryOf, timelineAndState, type RoomSyncDeps, type StateAfterKey, type TimelineAndState } from './rooms.js';
import type { StrippedStateEvent } from '../events/format.js';
import type { Ephemeral } from '../ephemeral/index.js';
import { e2eeSync, isEmptyE2ee, type E2eeSyncSections } from '../e2ee/sync.js';
import { blocksInvites } from '../invite-permission.js';

export interface SyncDeps extends RoomSyncDeps {
  ephemeral: Ephemeral;
  notifier: SyncNotifier;
  history: History;
}

export interface SyncRequest {
  viewer: Requester;
  /** Position of the `since` token; null for an initial sync. */
  since: number | null;
  fullState: boolean;
  filter: SyncFilter;
  /** Where to-device delivery resumes when the previous response held some back (else `since`). */
  toDeviceSince?: number;
  /** `use_state_after`: rooms carry this key instead of `state` (rooms.ts). */
  stateAfter?: StateAfterKey;
}

export interface SyncResponse extends E2eeSyncSections {
  next_batch: string;
  account_data: { events: { type: string; content: JsonObject }[] };
  presence: { events: { type: string; sender: string; content: JsonObject }[] };
  rooms: {
    join: Record<string, JoinedRoom>;
    invite: Record<string, { invite_state: { events: StrippedStateEvent[] } }>;
    leave: Record<string, LeftRoom>;
    knock: Record<string, never>;
  };
}

type EventBatch = { events: { type: string; content: JsonObject }[] };
type LeftRoom = TimelineAndState & { account_data: EventBatch };
type JoinedRoom = LeftRoom & { ephemeral: EventBatch; summary: JsonObject; unread_notifications: JsonObject; unread_thread_notifications?: JsonObject };

export interface Membership { roomId: string; membership: string; stream: number; eventId: string }
type AccountDataEntry = { roomId: string; type: string; content: JsonObject; stream: number };

/**
 * The user's memberships as of `upto`. A membership row can be ahead of `upto` for a moment (its
 * commit is on disk but the counter has not moved yet); such a room is read from its state at
 * `upto` instead, so the events before the change are not skipped.
 */
export function membershipsAt(d: Pick<SyncDeps, 'core'>, userId: string, upto: number, kinds = ['join', 'invite', 'leave', 'ban']): Membership[] {
  const rows = d.core.storage.rooms.roomsForUser(userId, kinds);
  const out: Membership[] = [];
  for (const r of rows) {
    if (r.stream <= upto) { out.push(r); continue; }
    const id = stateIdsAt(d.core.storage.events, r.roomId, upto).get(stateTuple('m.room.member', userId));
    const ev = id ? d.core.storage.events.getEvent(id) : null;
    if (ev) out.push({ roomId: r.roomId, membership: String(ev.pdu.content.membership), stream: ev.stream, eventId: ev.eventId });
  }
  return out;
}

function joinedAt(d: SyncDeps, roomId: string, userId: string, pos: number): boolean {
  const id = stateIdsAt(d.core.storage.events, roomId, pos).get(stateTuple('m.room.member', userId));
  return id !== undefined && d.core.storage.events.getEvent(id)?.pdu.content.membership === 'join';
}

function joinedRoom(d: SyncDeps, req: SyncRequest, m: Membership, upto: number, roomData: AccountDataEntry[] | undefined): JoinedRoom | null {
  const { since } = req;
  const userId = req.viewer.userId;
  // A room the user joined since the last sync is new to the client: send it whole.
  const fresh = since === null || (m.stream > since && !joinedAt(d, m.roomId, userId, since));
  const ephemeral = d.ephemeral.roomEvents(m.roomId, userId, fresh ? null : since, upto).filter((e) => eventMatches(req.filter.room.ephemeral, e));
  if (!fresh && !req.fullState && d.notifier.latestIn(m.roomId) <= since! && !roomData && ephemeral.length === 0) return null;
  const head = d.core.rooms.head(m.roomId);
  const summary = head ? summaryOf(head, userId) : {};
  const ts = timelineAndState(d, {
    roomId: m.roomId, from: fresh ? 0 : since!, to: upto, since: fresh ? null : since, fullState: fresh || req.fullState,
    nextBatch: upto, visibleFrom: m.stream, heroes: summary['m.heroes'] as string[] | undefined, stateAfter: req.stateAfter,
  }, req.filter, req.viewer);
  if (!fresh && !req.fullState && ts.timeline.events.length === 0 && stateEventsOf(ts).length === 0 && !roomData && ephemeral.length === 0) return null;
  return {
    ...ts,
    account_data: accountDataEvents(roomData?.filter((e) => eventMatches(req.filter.room.accountData, e))),
    ephemeral: { events: ephemeral },
    summary,
    ...d.ephemeral.counts.roomCounts(m.roomId, userId, m.stream, upto, req.filter.room.timeline.unreadThreadNotifications),
  };
}

function leftRoom(d: SyncDeps, req: SyncRequest, m: Membership, upto: number, roomData: AccountDataEntry[] | undefined): LeftRoom {
  const userId = req.viewer.userId;
  const sawRoom = d.history.visibleUpTo(m.roomId, userId, m.stream) !== null;
  const account_data = accountDataEvents(roomData?.filter((e) => eventMatches(req.filter.room.accountData, e)));
  if (!sawRoom) {
    // Never joined (a rejected or withdrawn invite): the membership change is all they may see.
    const own = d.core.storage.events.getEvent(m.eventId);
    const events = own ? d.formatter.formatTimeline([own], req.viewer, false) : [];
    return { timeline: { events, limited: false, prev_batch: formatToken(m.stream) }, [req.stateAfter ?? 'state']: { events: [] }, account_data };
  }
  const ts = timelineAndState(d, {
    roomId: m.roomId, from: req.since ?? 0, to: m.stream, since: req.since, fullState: req.since === null || req.fullState, nextBatch: upto,
    stateAfter: req.stateAfter,
  }, req.filter, req.viewer);
  return { ...ts, account_data };
}

export function computeSync(d: SyncDeps, req: SyncRequest): SyncResponse {
  const upto = d.core.stream.committed;
  const since = req.since === null ? null : Math.min(req.since, upto);
  const r: SyncRequest = { ...req, since };
  const userId = req.viewer.userId;
  const data = d.core.storage.accountData.since(userId, since ?? 0).filter((e) => e.stream <= upto);
  const perRoom = new Map<string, AccountDataEntry[]>();
  for (const e of data) {
    if (e.roomId === '') continue;
    const list = perRoom.get(e.roomId);
    if (list) list.push(e);
    else perRoom.set(e.roomId, [e]);
  }
  const rooms: SyncResponse['rooms'] = { join: {}, invite: {}, leave: {}, knock: {} };
  for (const m of membershipsAt(d, userId, upto)) {
    if (!roomMatches(req.filter.room, m.roomId)) continue;
    const changed = since === null || m.stream > since;
    if (m.membership === 'join') {
      const section = joinedRoom(d, r, m, upto, perRoom.get(m.roomId));
      if (section) rooms.join[m.roomId] = section;
    } else if (m.membership === 'invite') {
      const head = d.core.rooms.head(m.roomId);
      // Spec "Ignoring Users": invites from an ignored user are not shown; v1.18: none while the user blocks invites.
      const inviter = head?.state.get(stateTuple('m.room.member', userId))?.sender;
      const hidden = (inviter && d.formatter.ignores(req.viewer, inviter)) || blocksInvites(d.core.accountData, userId);
      if (changed && head && !hidden) rooms.invite[m.roomId] = { invite_state: inviteState(head, userId) };
    } else if (((since !== null && changed) || (since === null && req.filter.room.includeLeave))
      // A room the user forgot (POST /forget) stays out until their membership changes again.
      && !d.core.storage.forgottenRooms.isForgotten(userId, m.roomId, m.eventId)) {
      rooms.leave[m.roomId] = leftRoom(d, r, m, upto, perRoom.get(m.roomId));
    }
  }
  const global = d.ephemeral.withPushRules(data.filter((e) => e.roomId === ''), userId, since).filter((e) => eventMatches(req.filter.accountData, e));
  const toDeviceSince = since === null ? null : Math.min(req.toDeviceSince ?? since, since);
  const { toDeviceHeldBackAfter, ...e2ee } = e2eeSync(d, req.viewer, since, upto, toDeviceSince);
  return { next_batch: formatSyncToken(upto, toDeviceHeldBackAfter), account_data: accountDataEvents(global), presence: { events: excludesAll(req.filter.presence) ? [] : d.ephemeral.presence.eventsFor(userId, since, upto).filter((e) => eventMatches(req.filter.presence, e)) }, rooms, ...e2ee };
}

/** True when there is nothing to tell the client: a long-poll keeps waiting. */
export function isEmptySync(s: SyncResponse): boolean {
  const r = s.rooms;
  return s.account_data.events.length === 0 && Object.keys(r.join).length === 0 && isEmptyE2ee(s) && s.presence.events.length === 0
    && Object.keys(r.invite).length === 0 && Object.keys(r.leave).length === 0;
}
