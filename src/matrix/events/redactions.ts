// Which events have been redacted, so that every later read serves their redacted form. The core
// stores events as accepted and does not yet mark redaction targets, so this index listens to
// the bus for every m.room.redaction (from Matrix, XMPP retraction/moderation or, later,
// federation) and records valid ones in the key-value store.
// TODO(core): recording the target belongs in the room pipeline's persist step, in the same
// transaction as the redaction; until then a crash between the two commits can lose the mark.
import type { Bus } from '../../core/bus.js';
import type { Logger } from '../../core/logger.js';
import type { Storage, StoredEvent } from '../../core/ports.js';
import type { RoomService } from '../../core/rooms/service.js';
import { actionLevel, userLevel } from '../../core/auth/index.js';
import { redactsOf } from './format.js';

const NS = 'matrix_redacted_by';

export class Redactions {
  constructor(private readonly storage: Storage, private readonly rooms: RoomService, private readonly logger: Logger) {}

  /** Subscribes to the bus; returns the unsubscribe function. */
  listen(bus: Bus): () => void {
    return bus.onRoomEvent((n) => {
      if (n.pdu.type !== 'm.room.redaction') return;
      const target = redactsOf(n.pdu);
      if (target === undefined) return;
      // A throw here would escape the bus as an uncaught exception: log and go on.
      try {
        const ev = this.storage.events.getEvent(target);
        if (ev && ev.pdu.room_id === n.roomId && this.mayRedact(n.pdu.sender, ev)) {
          this.record(target, n.eventId).catch((err: unknown) => this.logger.error({ err }, 'recording a redaction failed'));
        }
      } catch (err) {
        this.logger.error({ err }, 'recording a redaction failed');
      }
    });
  }

  /** The id of the redaction that redacted the event, if any. */
  redactedBy(eventId: string): string | null {
    return this.storage.kv.get(NS, eventId);
  }

  record(target: string, redactionId: string): Promise<void> {
    return this.storage.writes.enqueue(() => {
      if (this.storage.kv.get(NS, target) === null) this.storage.kv.put(NS, target, redactionId);
    });
  }

  /**
   * Spec (room versions 3+, "Handling redactions"): a redaction takes effect when its sender sent
   * the original event, or has the room's redact power level.
   */
  mayRedact(sender: string, target: StoredEvent): boolean {
    if (target.pdu.sender === sender) return true;
    const head = this.rooms.head(target.pdu.room_id);
    if (!head) return false;
    const rules = this.rooms.rules(head);
    return userLevel(head.state, sender, rules) >= actionLevel(head.state, 'redact', rules);
  }
}
