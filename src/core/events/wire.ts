// The one place where Hearth's in-memory form of an event differs from the wire form. From room
// version 12 the create event carries no `room_id` (the room id is derived from its event id);
// Hearth still keeps `room_id` on it in memory and in storage, like on every other event, so that
// readers need no special case. Hashes, signatures and anything sent out use the wire form.
import type { RoomVersionRules } from './room-versions.js';
import type { JsonObject, Pdu } from './types.js';

export function wireEvent<T extends Pdu | JsonObject>(event: T, rules: RoomVersionRules): T {
  const e = event as JsonObject;
  if (!rules.roomIdFromCreateEvent || e.type !== 'm.room.create' || !Object.hasOwn(e, 'room_id')) return event;
  const { room_id: _dropped, ...rest } = e;
  return rest as T;
}

/** A v12 room's id: the create event's id with the room sigil (MSC4291). */
export function roomIdOfCreateEvent(createEventId: string): string {
  return `!${createEventId.slice(1)}`;
}
