// Pipeline step 2: the room version's authorization rules against the state the event names,
// plus the size limit every event has.
import { wireEvent, type RoomVersionRules } from '../events/index.js';
import { authorizeEvent } from '../auth/index.js';
import { stateTuple, type Pdu, type StateTuple } from '../events/types.js';
import type { RoomHead } from './head.js';
import { RoomError } from './errors.js';

export const MAX_EVENT_BYTES = 65536;
const CREATE = stateTuple('m.room.create', '');

export function checkSize(pdu: Pdu): void {
  // The PDU was canonicalised while it was hashed, so its canonical form differs from
  // JSON.stringify's only in key order: the same length, from the faster native encoder.
  if (Buffer.byteLength(JSON.stringify(pdu), 'utf8') > MAX_EVENT_BYTES) {
    throw new RoomError('too_large', `event is larger than ${MAX_EVENT_BYTES} bytes`);
  }
}

export function authorizeAgainstHead(head: RoomHead, rules: RoomVersionRules, pdu: Pdu): void {
  const authState = new Map<StateTuple, Pdu>();
  const wanted = new Set(pdu.auth_events);
  for (const [tuple, ev] of head.state) {
    if (wanted.has(head.stateIds.get(tuple)!)) authState.set(tuple, ev);
  }
  // v12: the room id, not the auth events, names the create event.
  if (rules.roomIdFromCreateEvent) {
    const create = head.state.get(CREATE);
    if (create) authState.set(CREATE, create);
  }
  const verdict = authorizeEvent(pdu, authState, rules);
  if (!verdict.allowed) throw new RoomError('forbidden', verdict.reason);
}

/** A create event is checked against empty state, in its wire form (v12 has no room_id there). */
export function authorizeCreate(rules: RoomVersionRules, pdu: Pdu): void {
  const verdict = authorizeEvent(wireEvent(pdu, rules), new Map(), rules);
  if (!verdict.allowed) throw new RoomError('forbidden', verdict.reason);
}

export { stateTuple };
