// When a redaction takes effect (room versions 3+, "Handling redactions"): the target is in the
// same room and its sender sent the redaction, or the redaction's sender has the redact level.
// The auth rules accept a redaction either way; this decides whether it applies.
import { actionLevel, userLevel } from '../auth/index.js';
import { redactsTarget, type RoomVersionRules } from '../events/index.js';
import type { Pdu } from '../events/types.js';
import type { EventStore } from '../ports.js';
import type { RoomHead } from './head.js';

export function mayRedact(head: RoomHead, rules: RoomVersionRules, sender: string, target: Pdu): boolean {
  if (target.room_id !== head.roomId) return false;
  if (target.sender === sender) return true;
  return userLevel(head.state, sender, rules) >= actionLevel(head.state, 'redact', rules);
}

/** The event a redaction takes effect on, or undefined when it does not apply. */
export function effectiveRedactionTarget(head: RoomHead, rules: RoomVersionRules, pdu: Pdu, events: EventStore): string | undefined {
  if (pdu.type !== 'm.room.redaction') return undefined;
  const targetId = redactsTarget(pdu, rules);
  if (targetId === undefined) return undefined;
  const target = events.getEvent(targetId);
  return target && mayRedact(head, rules, pdu.sender, target.pdu) ? targetId : undefined;
}
