// Who is typing in each room (spec typing_notifications.md): in memory only, each entry ending
// by itself after the timeout the client gave.
import type { CoreServices } from '../services.js';
import { commitPosition, wakeRoom } from './position.js';

/** Longest a typing notice lasts without being renewed, whatever the client asks. */
export const MAX_TYPING_MS = 120_000;

interface RoomTyping { users: Map<string, NodeJS.Timeout>; stream: number }

/**
 * A user started or stopped typing in a room (renewals are not changes). `origin` names the
 * front end whose notice it was ('matrix', 'xmpp'; a timeout is its start's), so that front end
 * does not echo it.
 */
export interface TypingChange { roomId: string; userId: string; typing: boolean; origin: string }

export class Typing {
  private readonly rooms = new Map<string, RoomTyping>();
  private readonly stop: () => void;
  private readonly listeners = new Set<(c: TypingChange) => void>();

  constructor(private readonly core: CoreServices) {
    // Someone who leaves (or is kicked) stops typing there at once.
    this.stop = core.bus.onRoomEvent((n) => {
      const userId = n.pdu.state_key;
      if (n.pdu.type !== 'm.room.member' || userId === undefined || n.pdu.content.membership === 'join') return;
      if (this.rooms.get(n.roomId)?.users.has(userId)) void this.set(n.roomId, userId, false, 0);
    });
  }

  async set(roomId: string, userId: string, typing: boolean, timeoutMs: number, origin = 'matrix'): Promise<void> {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = { users: new Map(), stream: 0 }));
    const old = room.users.get(userId);
    if (old) clearTimeout(old);
    const wasTyping = old !== undefined;
    if (typing) {
      const timer = setTimeout(() => { void this.set(roomId, userId, false, 0, origin); }, Math.min(Math.max(timeoutMs, 0), MAX_TYPING_MS));
      timer.unref();
      room.users.set(userId, timer);
    } else {
      room.users.delete(userId);
    }
    // Renewing a notice changes nothing a client can see.
    if (wasTyping === typing) return;
    for (const fn of this.listeners) {
      try { fn({ roomId, userId, typing, origin }); } catch (err) { this.core.logger.warn({ err }, 'typing listener failed'); }
    }
    const pos = await commitPosition(this.core);
    room.stream = pos;
    wakeRoom(this.core, roomId, 'm.typing', pos);
  }

  /** Called on every start and stop (XMPP turns them into XEP-0085 chat states). */
  onChange(fn: (c: TypingChange) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
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
    this.listeners.clear();
    for (const room of this.rooms.values()) for (const t of room.users.values()) clearTimeout(t);
    this.rooms.clear();
  }
}
