// Spec "Account suspension" (v1.13): a suspended account keeps reading, and may still leave rooms,
// reject invites and redact its own events; joining, knocking, inviting, sending messages or
// state and redacting others' events are refused. Checked here, once for both protocols.
import type { Pdu } from '../events/types.js';

/** Whether a restricted account may send this event; `targetSender` is the sender of a redaction's target. */
export function allowedWhileSuspended(pdu: Pdu, targetSender: string | undefined): boolean {
  if (pdu.type === 'm.room.member') return pdu.state_key === pdu.sender && pdu.content.membership === 'leave';
  if (pdu.type === 'm.room.redaction') return targetSender === pdu.sender;
  return false;
}
