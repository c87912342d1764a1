// Per-user (and per-user-per-room) account data: written in the group commit, positioned on the
// shared stream, announced on the bus so that /sync and XMPP sessions wake.
import type { Storage } from '../ports.js';
import type { JsonObject } from '../events/types.js';
import type { Bus, StreamCounter } from '../bus.js';

export class AccountData {
  /**
   * Global (not per-room) entries as read: the ignore list is read for every message routed.
   * put() is the only writer, and updates an entry when its write commits.
   */
  private readonly global = new Map<string, JsonObject | null>();

  constructor(private readonly storage: Storage, private readonly stream: StreamCounter, private readonly bus: Bus) {}

  get(userId: string, type: string, roomId = ''): JsonObject | null {
    if (roomId !== '') return this.storage.accountData.get(userId, roomId, type);
    const key = `${userId}\u0000${type}`;
    let content = this.global.get(key);
    if (content === undefined) this.global.set(key, (content = this.storage.accountData.get(userId, '', type)));
    return content;
  }

  async put(userId: string, type: string, content: JsonObject, roomId = ''): Promise<number> {
    const pos = this.stream.next();
    await this.storage.writes.enqueue(() => {
      this.storage.accountData.put(userId, roomId, type, content, pos);
      if (roomId === '') this.global.set(`${userId}\u0000${type}`, content);
    });
    this.stream.markCommitted(pos);
    this.bus.publishUser({ stream: pos, userId, kind: 'account_data', roomId, type });
    return pos;
  }
}
