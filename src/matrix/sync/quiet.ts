// A long-poll that comes straight back with the token of the response just sent has nothing to
// return until the user gets a notice: everything after that position is published to the users
// it concerns (room events to their members, account data, to-device messages, device lists,
// receipts, typing, presence), and it is published after the computation that handed out the
// token. So the first computation of such a request, which was always empty, is skipped; the
// request waits for a notice at once. One computation less per response under load.
import type { Requester } from '../http/types.js';
import { BoundedMap } from '../../core/bounded-map.js';

interface Sent { token: string; filter: string | null; notices: number }

export class QuietDevices {
  private readonly sent: BoundedMap<string, Sent>;

  constructor(max = 100_000) {
    this.sent = new BoundedMap(max);
  }

  /**
   * A response with `nextBatch` was computed for the device when the user had had `notices`
   * notices. A token that holds to-device messages back is not recorded: the next request must
   * fetch them without waiting.
   */
  record(viewer: Requester, filter: string | null, nextBatch: string, notices: number): void {
    const key = `${viewer.userId}\u0000${viewer.deviceId}`;
    if (nextBatch.includes('_')) {
      this.sent.delete(key);
      return;
    }
    this.sent.set(key, { token: nextBatch, filter, notices });
  }

  /** True when a sync from `since` with this filter would find nothing for the device now. */
  quiet(viewer: Requester, filter: string | null, since: string, notices: number): boolean {
    const s = this.sent.get(`${viewer.userId}\u0000${viewer.deviceId}`);
    return s !== undefined && s.token === since && s.filter === filter && s.notices === notices;
  }
}
