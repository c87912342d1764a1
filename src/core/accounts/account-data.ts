// Per-user (and per-user-per-room) account data: written in the group commit, positioned on the
// shared stream, announced on the bus so that /sync and XMPP sessions wake.
import type { Storage } from '../ports.js';
import type { JsonObject } from '../events/types.js';
import type { Bus, StreamCounter } from '../bus.js';

export class AccountData {
  constructor(private readonly storage: Storage, private readonly stream: StreamCounter, private readonly bus: Bus) {}

  get(userId: string, type: string, roomId = ''): JsonObject | null {
    return this.storage.accountData.get(userId, roomId, type);
  }

  async put(userId: string, type: string, content: JsonObject, roomId = ''): Promise<number> {
    const pos = this.stream.next();
    await this.storage.writes.enqueue(() => this.storage.accountData.put(userId, roomId, type, content, pos));
    this.stream.markCommitted(pos);
    this.bus.publishUser({ stream: pos, userId, kind: 'account_data', roomId, type });
    return pos;
  }
}
