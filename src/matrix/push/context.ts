// The facts about a room that push rule conditions need, read from the room's current state
// (an approximation of "state at the event" that is exact for new events).
import type { RoomHead } from '../../core/rooms/head.js';
import { stateEvent } from '../../core/rooms/head.js';
import type { Pdu } from '../../core/events/types.js';
import type { PushContext, PushEvent } from './evaluate.js';

function numberOr(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

export function pushContext(head: RoomHead, userId: string, sender: string): PushContext {
  const pl = stateEvent(head, 'm.room.power_levels')?.content;
  const member = stateEvent(head, 'm.room.member', userId)?.content;
  let memberCount = 0;
  for (const ev of head.state.values()) if (ev.type === 'm.room.member' && ev.content.membership === 'join') memberCount++;
  const creator = stateEvent(head, 'm.room.create')?.sender;
  let senderPowerLevel: number;
  if (pl) {
    const users = typeof pl.users === 'object' && pl.users !== null && !Array.isArray(pl.users) ? pl.users : {};
    senderPowerLevel = numberOr(users[sender], numberOr(pl.users_default, 0));
  } else {
    senderPowerLevel = sender === creator ? 100 : 0; // No power levels yet: the creator has 100.
  }
  const notifications = pl && typeof pl.notifications === 'object' && pl.notifications !== null && !Array.isArray(pl.notifications) ? pl.notifications : {};
  return {
    userId,
    displayName: typeof member?.displayname === 'string' ? member.displayname : null,
    memberCount,
    senderPowerLevel,
    notificationPowerLevel: (key) => numberOr(notifications[key], 50),
  };
}

export function pushEventOf(pdu: Pdu, eventId: string): PushEvent {
  return { type: pdu.type, sender: pdu.sender, room_id: pdu.room_id, content: pdu.content, state_key: pdu.state_key, event_id: eventId };
}
