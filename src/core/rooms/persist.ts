// Pipeline step 3: advance the head and queue the write. State changes make a new state group:
// a delta on the previous one, with a full snapshot every SNAPSHOT_EVERY deltas so that loading
// a group reads a bounded chain.
import type { EventWrite, Storage } from '../ports.js';
import { stateTuple, type Pdu } from '../events/types.js';
import type { RoomHead } from './head.js';
import type { StreamCounter } from '../bus.js';

const SNAPSHOT_EVERY = 50;

export interface StateGroupCounter { next(): number }

export function applyAndQueue(
  head: RoomHead, eventId: string, pdu: Pdu, stream: StreamCounter, groups: StateGroupCounter, storage: Storage,
  newRoom?: EventWrite['newRoom'], redacts?: string, alsoWrite?: (eventId: string) => void,
): { stream: number; committed: Promise<void> } {
  const pos = stream.next();
  const write: EventWrite = { stream: pos, eventId, pdu, stateGroup: head.stateGroup, newRoom, redacts };
  if (pdu.state_key !== undefined) {
    const tuple = stateTuple(pdu.type, pdu.state_key);
    const full = newRoom !== undefined || head.deltaChain >= SNAPSHOT_EVERY;
    const id = groups.next();
    head.state.set(tuple, pdu);
    head.stateIds.set(tuple, eventId);
    const delta = full ? Object.fromEntries(head.stateIds) : { [tuple]: eventId };
    write.newStateGroup = { id, prevId: full ? null : head.stateGroup, delta, full };
    write.stateGroup = id;
    head.stateGroup = id;
    head.deltaChain = full ? 0 : head.deltaChain + 1;
    if (pdu.type === 'm.room.member') write.membership = { userId: pdu.state_key, membership: String(pdu.content.membership) };
  }
  head.latestEventId = eventId;
  head.depth = pdu.depth;
  const committed = storage.writes.enqueue(() => {
    storage.events.writeEvent(write);
    alsoWrite?.(eventId);
  });
  return { stream: pos, committed };
}
