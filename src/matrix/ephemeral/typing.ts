// Who is typing in each room (spec typing_notifications.md): in memory only, each entry ending
// by itself after the timeout the client gave.
import type { CoreServices } from '../../core/services.js';
import { commitPosition, wakeRoom } from './position.js';

/** Longest a typing notice lasts without being renewed, whatever the client asks. */
export const MAX_TYPING_MS = 120_000;

interface RoomTyping { users: Map<string, NodeJS.Timeout>; stream: number }

export class Typing {
  private readonly rooms = new Map<string, RoomTyping>();
  private readonly stop: () => void;

  constructor(private readonly core: CoreServices) {
    // Someone who leaves (or is kicked) stops typing there at once.
    this.stop = core.bus.onRoomEvent((n) => {
      const userId = n.pdu.state_key;
      if (n.pdu.type !== 'm.room.member' || userId === undefined || n.pdu.content.membership === 'join') return;
      if (this.rooms.get(n.roomId)?.users.has(userId)) void this.set(n.roomId, userId, false, 0);
    });
  }

  async set(roomId: string, userId: string, typing: boolean, timeoutMs: number): Promise<void> {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = { users: new Map(), stream: 0 }));
    const old = room.users.get(userId);
    if (old) clearTimeout(old);
    const wasTyping = old !== undefined;
    if (typing) {
      const timer = setTimeout(() => { void this.set(roomId, userId, false, 0); }, Math.min(Math.max(timeoutMs, 0), MAX_TYPING_MS));
      timer.unref();
      room.users.set(userId, timer);
    } else {
      room.users.delete(userId);
    }
    // Renewing a notice changes nothing a client can see.
    if (wasTyping === typing) return;
    const pos = await commitPosition(this.core);
    room.stream = pos;
    wakeRoom(this.core, roomId, 'm.typing', pos);
  }

  usersIn(roomId: string): string[] {
    return [...(this.rooms.get(roomId)?.users.keys() ?? [])];
  }

  /** Stream position of the room's last typing change (0 when none since start). */
  changedAt(roomId: string): number {
    return this.rooms.get(roomId)?.stream ?? 0;
  }

  close(): void {
    this.stop();
    for (const room of this.rooms.values()) for (const t of room.users.values()) clearTimeout(t);
    this.rooms.clear();
  }
}
