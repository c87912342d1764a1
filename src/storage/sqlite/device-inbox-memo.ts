// What every /sync asks of each device's E2EE state, remembered between requests: the one-time
// key counts, the unused fallback key types, and the stream range of its pending to-device
// messages (most devices have none, and then the inbox query is skipped). Without this each
// /sync ran four queries for them. The store forgets a device's entry whenever it writes what the
// entry summarises; the to-device range only widens on a new message, so a rolled-back write
// can leave it too wide (an extra query), never too narrow.
import { BoundedMap } from '../../core/bounded-map.js';
const MAX_DEVICES = 100_000;

export interface InboxRange { min: number; max: number }

interface DeviceMemo {
  otkCounts?: Record<string, number>;
  fallback?: string[];
  /** Streams of the pending to-device messages; null when there are none. */
  inbox?: InboxRange | null;
}

export class DeviceInboxMemo {
  private readonly devices = new BoundedMap<string, DeviceMemo>(MAX_DEVICES);

  private memo(userId: string, deviceId: string): DeviceMemo {
    const key = `${userId}\u0000${deviceId}`;
    let m = this.devices.get(key);
    if (!m) {
      this.devices.set(key, (m = {}));
    }
    return m;
  }

  otkCounts(userId: string, deviceId: string, read: () => Record<string, number>): Record<string, number> {
    const m = this.memo(userId, deviceId);
    return { ...(m.otkCounts ??= read()) };
  }

  fallback(userId: string, deviceId: string, read: () => string[]): string[] {
    const m = this.memo(userId, deviceId);
    return [...(m.fallback ??= read())];
  }

  inbox(userId: string, deviceId: string, read: () => InboxRange | null): InboxRange | null {
    const m = this.memo(userId, deviceId);
    if (m.inbox === undefined) m.inbox = read();
    return m.inbox;
  }

  keysChanged(userId: string, deviceId: string): void {
    const m = this.devices.get(`${userId}\u0000${deviceId}`);
    if (m) { m.otkCounts = undefined; m.fallback = undefined; }
  }

  /** A message was queued for the device at `stream`. */
  added(userId: string, deviceId: string, stream: number): void {
    const m = this.devices.get(`${userId}\u0000${deviceId}`);
    if (!m || m.inbox === undefined) return;
    m.inbox = m.inbox === null ? { min: stream, max: stream } : { min: Math.min(m.inbox.min, stream), max: Math.max(m.inbox.max, stream) };
  }

  /** Messages up to `to` were dropped: none left when that covered the newest, else read again. */
  removedUpTo(userId: string, deviceId: string, to: number): void {
    const m = this.devices.get(`${userId}\u0000${deviceId}`);
    if (m && m.inbox) m.inbox = to >= m.inbox.max ? null : undefined;
  }

  forgetDevice(userId: string, deviceId: string): void {
    this.devices.delete(`${userId}\u0000${deviceId}`);
  }

  /** A failed commit: what was removed may be back. */
  clear(): void {
    this.devices.clear();
  }
}
