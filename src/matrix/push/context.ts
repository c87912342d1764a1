// The facts about a room that push rule conditions need, read from the room's current state
// (an approximation of "state at the event" that is exact for new events). Read once per room
// and user, then specialised per sender, so counting many events does not rescan the state.
import type { RoomHead } from '../../core/rooms/head.js';
import { memberLists, stateEvent } from '../../core/rooms/head.js';
import type { JsonObject, Pdu } from '../../core/events/types.js';
import type { PushContext, PushEvent } from './evaluate.js';
import { getRoomVersion } from '../../core/events/room-versions.js';
import { roomCreators } from '../../core/auth/index.js';

function numberOr(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

function objectAt(obj: JsonObject | undefined, key: string): JsonObject {
  const v = obj?.[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

/** A function from sender to the push context of `userId` in the room. */
export function roomPushContext(head: RoomHead, userId: string): (sender: string) => PushContext {
  const pl = stateEvent(head, 'm.room.power_levels')?.content;
  const member = stateEvent(head, 'm.room.member', userId)?.content;
  const memberCount = memberLists(head).joined.length;
  const create = stateEvent(head, 'm.room.create');
  const creator = create?.sender;
  // v12: the room's creators have infinite power, whatever the power levels say.
  const rules = getRoomVersion(head.version);
  const creators = rules?.privilegedCreators ? roomCreators(create, rules) : [];
  const users = objectAt(pl, 'users');
  const notifications = objectAt(pl, 'notifications');
  const displayName = typeof member?.displayname === 'string' ? member.displayname : null;
  return (sender) => ({
    userId,
    displayName,
    memberCount,
    // No power levels yet: the creator has 100 (auth rules), everyone else 0.
    senderPowerLevel: creators.includes(sender) ? Infinity : pl ? numberOr(users[sender], numberOr(pl.users_default, 0)) : sender === creator ? 100 : 0,
    notificationPowerLevel: (key) => numberOr(notifications[key], 50),
  });
}

export function pushEventOf(pdu: Pdu, eventId: string): PushEvent {
  return { type: pdu.type, sender: pdu.sender, room_id: pdu.room_id, content: pdu.content, state_key: pdu.state_key, event_id: eventId };
}
