// What happened, and to whom it must go. In-process today; kept behind this interface so that a
// broker (Redis pub/sub, NATS) can carry it between processes later (DESIGN §7).
import type { Pdu } from './events/types.js';

export interface RoomEventNotice {
  stream: number;
  roomId: string;
  eventId: string;
  pdu: Pdu;
  /** Local users who must see it: members joined after the event, the target of a membership change, and the sender. */
  recipients: string[];
}

export interface UserNotice {
  stream: number;
  userId: string;
  /** account_data: an account-data change; to_device / device_list: Matrix E2EE (type and roomId are ''); thread_subscription: MSC4306. */
  kind: 'account_data' | 'to_device' | 'device_list' | 'ephemeral' | 'thread_subscription';
  roomId: string;
  type: string;
}

export interface Bus {
  publishRoomEvent(n: RoomEventNotice): void;
  publishUser(n: UserNotice): void;
  onRoomEvent(fn: (n: RoomEventNotice) => void): () => void;
  onUser(fn: (n: UserNotice) => void): () => void;
}

export function inProcessBus(): Bus {
  const roomFns = new Set<(n: RoomEventNotice) => void>();
  const userFns = new Set<(n: UserNotice) => void>();
  // A subscriber that throws must not stop delivery to the others.
  const each = <T>(fns: Set<(n: T) => void>, n: T) => {
    for (const fn of fns) {
      try { fn(n); } catch (err) { queueMicrotask(() => { throw err; }); }
    }
  };
  return {
    publishRoomEvent: (n) => each(roomFns, n),
    publishUser: (n) => each(userFns, n),
    onRoomEvent(fn) { roomFns.add(fn); return () => roomFns.delete(fn); },
    onUser(fn) { userFns.add(fn); return () => userFns.delete(fn); },
  };
}

/** One position counter for everything a client syncs on (events, account data): tokens are one number. */
// Positions are handed out before the write commits; readers use `committed`, which only moves
// once every write up to it is on disk (the write queue commits in order), so a sync never skips
// a position that was still in flight.
export class StreamCounter {
  private issued: number;
  private done: number;
  constructor(start: number) { this.issued = start; this.done = start; }
  next(): number { return ++this.issued; }
  markCommitted(pos: number): void { if (pos > this.done) this.done = pos; }
  get committed(): number { return this.done; }
}
