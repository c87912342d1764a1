// Password-protected rooms (XEP-0045 §7.2.6, muc#roomconfig_roomsecret). Matrix rooms have no
// passwords, so the secret is kept by this server in its key-value store, never in room state
// that members (or other servers) could read. It gates entering from XMPP; Matrix joins follow
// the room's join rule (README.md says how to close both doors).
import { timingSafeEqual } from 'node:crypto';
import type { MucService } from './service.js';

const NS = 'muc_room_secret';

export function roomSecret(svc: MucService, roomId: string): string | null {
  const s = svc.core.storage.kv.get(NS, roomId);
  return s ? s : null;
}

/** Sets the secret, or removes it with null (the store has no delete: an empty value is none). */
export function setRoomSecret(svc: MucService, roomId: string, secret: string | null): void {
  svc.core.storage.kv.put(NS, roomId, secret ?? '');
}

/** Whether a supplied password opens the room (compared in constant time). */
export function passwordMatches(secret: string, supplied: string | undefined): boolean {
  if (supplied === undefined) return false;
  const a = Buffer.from(secret);
  const b = Buffer.from(supplied);
  return a.length === b.length && timingSafeEqual(a, b);
}
