// The in-memory head of a room: its latest event, depth and current state. Events are built
// against it synchronously, so that two sends in one turn chain one after the other.
import type { EventStore, RoomStore } from '../ports.js';
import type { Pdu, StateTuple } from '../events/types.js';
import { stateTuple } from '../events/types.js';

export interface RoomHead {
  roomId: string;
  version: string;
  latestEventId: string;
  depth: number;
  stateGroup: number;
  /** Number of deltas since the last full snapshot of this room's state. */
  deltaChain: number;
  state: Map<StateTuple, Pdu>;
  stateIds: Map<StateTuple, string>;
}

export function loadHead(roomId: string, rooms: RoomStore, events: EventStore): RoomHead | null {
  const room = rooms.getRoom(roomId);
  if (!room) return null;
  // A copy: the head's state changes in place as state events are sent.
  const stateIds = new Map(events.stateGroup(room.headStateGroup));
  const state = new Map<StateTuple, Pdu>();
  for (const [tuple, eventId] of stateIds) {
    const ev = events.getEvent(eventId);
    if (!ev) throw new Error(`state event ${eventId} of ${roomId} is missing`);
    state.set(tuple, ev.pdu);
  }
  return {
    roomId, version: room.version, latestEventId: room.headEventId, depth: room.headDepth,
    stateGroup: room.headStateGroup, deltaChain: 0, state, stateIds,
  };
}

export function stateEvent(head: RoomHead, type: string, stateKey = ''): Pdu | undefined {
  return head.state.get(stateTuple(type, stateKey));
}

export function membershipOf(head: RoomHead, userId: string): string {
  const ev = stateEvent(head, 'm.room.member', userId);
  return (ev?.content.membership as string | undefined) ?? 'leave';
}

/** The room's members by current membership, in state order. */
export interface MemberLists { joined: string[]; invited: string[]; former: string[] }

// Per head, for the state group it was computed at: every send (its recipients), every /sync
// (summary, push context) and every wake asked for the members, each scanning the whole state.
// A state change always moves head.stateGroup, so a stale entry is never used.
const memberListCache = new WeakMap<RoomHead, { stateGroup: number; lists: MemberLists }>();

/** The members of the room at its head. Shared: callers must not change the arrays. */
export function memberLists(head: RoomHead): Readonly<MemberLists> {
  const known = memberListCache.get(head);
  if (known && known.stateGroup === head.stateGroup) return known.lists;
  const lists: MemberLists = { joined: [], invited: [], former: [] };
  for (const [tuple, ev] of head.state) {
    if (ev.type !== 'm.room.member' || ev.state_key === undefined || !tuple.startsWith('m.room.member\u0000')) continue;
    const m = ev.content.membership;
    if (m === 'join') lists.joined.push(ev.state_key);
    else if (m === 'invite') lists.invited.push(ev.state_key);
    else lists.former.push(ev.state_key);
  }
  memberListCache.set(head, { stateGroup: head.stateGroup, lists });
  return lists;
}

export function joinedMembers(head: RoomHead): string[] {
  return [...memberLists(head).joined];
}
