// Requests the server itself sends (e.g. XEP-0199 pings to clients): each waits for the result or
// error with the same id from the addressee, or times out with a synthetic error.
import { randomBytes } from 'node:crypto';
import { errorElement } from './errors.js';
import { Jid } from './jid.js';
import { x, type XmlElement } from './xml/element.js';

interface Pending {
  to: string;
  resolve(el: XmlElement): void;
  timer: NodeJS.Timeout;
}

export class IqTracker {
  private readonly pending = new Map<string, Pending>();

  /** Registers the iq (adding an id when it has none) and returns it with the promise of its answer. */
  track(iq: XmlElement, timeoutMs: number): { iq: XmlElement; answer: Promise<XmlElement> } {
    const id = iq.attr('id') ?? `srv-${randomBytes(8).toString('hex')}`;
    const stamped = iq.attr('id') ? iq : iq.withAttrs({ id });
    const to = normalized(stamped.attr('to') ?? '');
    const answer = new Promise<XmlElement>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(timeoutError(stamped));
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { to, resolve, timer });
    });
    return { iq: stamped, answer };
  }

  /** True when the result/error answered one of our requests (and must not be routed further). */
  settle(el: XmlElement): boolean {
    const id = el.attr('id');
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p || p.to !== normalized(el.attr('from') ?? '')) return false;
    clearTimeout(p.timer);
    this.pending.delete(id!);
    p.resolve(el);
    return true;
  }
}

function normalized(jid: string): string {
  return Jid.parse(jid)?.toString() ?? jid;
}

function timeoutError(iq: XmlElement): XmlElement {
  return x('iq', { type: 'error', id: iq.attr('id'), from: iq.attr('to') },
    errorElement('wait', 'remote-server-timeout', 'no answer in time'));
}
