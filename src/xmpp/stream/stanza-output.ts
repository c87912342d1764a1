// What a client stream writes after bind, with the mobile features in between: XEP-0352 holds
// what can wait while the client is inactive, and XEP-0198 numbers every stanza, keeps it until
// acknowledged, and only queues while the connection is away (hibernating) or being resumed.
// The protocol logic is in modules/xep-0198-sm and modules/xep-0352-csi.ts; this is the plumbing.
import { NS_SM } from '../modules/xep-0198-sm/elements.js';
import type { StreamManagement } from '../modules/xep-0198-sm/stream-sm.js';
import { CsiFilter } from '../modules/xep-0352-csi.js';
import { x, type XmlElement } from '../xml/element.js';

export interface OutputSink {
  write(data: string): boolean;
}

export class StanzaOutput {
  sm: StreamManagement | null = null;
  /** The connection is away: stanzas only queue (resent on resumption, else offline delivery). */
  hibernating = false;
  /** A new connection took the session over; <resumed/> is not out yet. */
  resuming = false;
  private csi: CsiFilter | null = null;
  private ackRequestPending = false;

  /** `sink` is read at each write: a resumption changes the connection under the session. */
  constructor(private readonly sink: () => OutputSink) {}

  send(el: XmlElement | string): boolean {
    if (this.csi?.hold(el, (w) => { this.write(w); })) return true;
    return this.write(typeof el === 'string' ? el : el.toString());
  }

  /** SM nonzas are not stanzas: not counted, and not written while the connection is away. */
  nonza(el: XmlElement): void {
    if (!this.hibernating) this.sink().write(el.toString());
  }

  /** <active/> or <inactive/> (XEP-0352); anything else in that namespace means nothing. */
  clientState(el: XmlElement): void {
    if (el.name !== 'active' && el.name !== 'inactive') return;
    (this.csi ??= new CsiFilter()).set(el.name === 'active', (w) => { this.write(w); });
  }

  /** Ends a resumption: <resumed/>, then what the client has not acknowledged. False when not resuming. */
  wake(after: XmlElement | string): boolean {
    if (!this.sm || !this.resuming) return false;
    this.resuming = false;
    this.hibernating = false;
    const sink = this.sink();
    sink.write(typeof after === 'string' ? after : after.toString());
    for (const wire of this.sm.counters.unacked) sink.write(wire);
    this.requestAckSoon();
    return true;
  }

  private write(wire: string): boolean {
    if (!this.sm) return this.sink().write(wire);
    this.sm.counters.sent(wire);
    if (this.hibernating) return true;
    this.requestAckSoon();
    return this.sink().write(wire);
  }

  /** One <r/> after each burst of stanzas, so the queue of unacknowledged ones drains. */
  private requestAckSoon(): void {
    if (this.ackRequestPending) return;
    this.ackRequestPending = true;
    setImmediate(() => {
      this.ackRequestPending = false;
      if (this.sm && this.sm.counters.unacked.length > 0) this.nonza(x('r', { xmlns: NS_SM }));
    });
  }
}
