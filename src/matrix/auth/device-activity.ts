// When, from where and with what client each device was last seen (spec: a device's
// last_seen_ts and last_seen_ip; MSC3852's last_seen_user_agent, which Element's session manager
// shows and uses to flag sessions inactive for 90 days). Every authenticated request reports
// here; the store is written only when the address or client changed, or the last write is older
// than the throttle, so a busy device costs one write per few minutes, not one per request.
import { BoundedMap } from '../../core/bounded-map.js';

export interface DeviceSighting { ts: number; ip: string | null; userAgent: string | null }

/** Devices remembered between writes; one that falls out is written again at its next request. */
const REMEMBERED = 100_000;
export const SEEN_THROTTLE_MS = 5 * 60 * 1000;
/** Longer user agents are cut (a header can be large; Element shows a line of it). */
const MAX_USER_AGENT = 512;

export class DeviceActivity {
  private readonly written = new BoundedMap<string, DeviceSighting>(REMEMBERED);

  constructor(private readonly write: (userId: string, deviceId: string, s: DeviceSighting) => void, private readonly throttleMs = SEEN_THROTTLE_MS) {}

  seen(userId: string, deviceId: string, ip: string | null, userAgent: string | null, now: number): void {
    const key = `${userId}\u0000${deviceId}`;
    const ua = userAgent === null ? null : userAgent.slice(0, MAX_USER_AGENT);
    const last = this.written.get(key);
    if (last && now - last.ts < this.throttleMs && last.ip === ip && last.userAgent === ua) return;
    const s: DeviceSighting = { ts: now, ip, userAgent: ua };
    this.written.set(key, s);
    this.write(userId, deviceId, s);
  }
}

/**
 * The client's address: the socket's peer, or, when that is a loopback reverse proxy, the last
 * address it appended to X-Forwarded-For (the one it saw; earlier ones the client may have made up).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): string | null {
  const p = peer?.startsWith('::ffff:') ? peer.slice(7) : peer;
  const loopback = p === '::1' || (p?.startsWith('127.') ?? false);
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  if (loopback && header) {
    const last = header.split(',').map((s) => s.trim()).filter((s) => s !== '').at(-1);
    if (last) return last;
  }
  return p ?? null;
}
