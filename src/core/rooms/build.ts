// Pipeline step 1 for a local event: assemble the PDU against the room head.
import { buildEvent, type RoomVersionRules } from '../events/index.js';
import { authEventTypesFor } from '../auth/index.js';
import type { JsonObject, Pdu } from '../events/types.js';
import type { RoomHead } from './head.js';

export interface NewEvent {
  type: string;
  sender: string;
  content: JsonObject;
  stateKey?: string;
  redacts?: string;
  ts: number;
}

export function prepareEvent(head: RoomHead, rules: RoomVersionRules, ev: NewEvent): { eventId: string; pdu: Pdu } {
  const authEvents: string[] = [];
  for (const tuple of authEventTypesFor(ev.type, ev.stateKey, ev.sender, ev.content, rules)) {
    const id = head.stateIds.get(tuple);
    if (id !== undefined && !authEvents.includes(id)) authEvents.push(id);
  }
  return buildEvent({
    type: ev.type, roomId: head.roomId, sender: ev.sender, content: ev.content, stateKey: ev.stateKey,
    prevEvents: [head.latestEventId], authEvents, depth: head.depth + 1, originServerTs: ev.ts, redacts: ev.redacts,
  }, rules);
}
