// Which events have been redacted, and whether a user may redact one. The core records a
// redaction's target in the same transaction as the redaction (core/rooms/redaction.ts); this is
// the Matrix layer's read view of it.
import type { Storage, StoredEvent } from '../../core/ports.js';
import type { RoomService } from '../../core/rooms/service.js';
import { mayRedact } from '../../core/rooms/redaction.js';

export class Redactions {
  constructor(private readonly storage: Storage, private readonly rooms: RoomService) {}

  /** The id of the redaction that redacted the event, if any. */
  redactedBy(eventId: string): string | null {
    return this.storage.events.redactedBy(eventId);
  }

  /** Whether a redaction by the sender would take effect (checked before sending, for a 403). */
  mayRedact(sender: string, target: StoredEvent): boolean {
    const head = this.rooms.head(target.pdu.room_id);
    return head !== null && mayRedact(head, this.rooms.rules(head), sender, target.pdu);
  }
}
