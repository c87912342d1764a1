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
  const stateIds = events.stateGroup(room.headStateGroup);
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

export function joinedMembers(head: RoomHead): string[] {
  const out: string[] = [];
  for (const [tuple, ev] of head.state) {
    if (ev.type === 'm.room.member' && ev.content.membership === 'join' && tuple.startsWith('m.room.member\u0000')) {
      out.push(ev.state_key!);
    }
  }
  return out;
}
