// XEP-0198 bookkeeping for one stream, free of I/O so it can be tested alone.
//
// Outbound: every stanza written to the client gets the next sequence number and stays queued
// until the client's <a h/> covers it; what is still queued is what a resumed stream resends and
// what a session that ends for good must not lose. Inbound: 'h' counts the client's stanzas that
// are *handled*, and a stanza whose handling continues asynchronously (a message written to a
// room) counts only once that work has finished, in arrival order: an ack then means durable.
// Sequence numbers wrap at 2^32 (XEP-0198 §4).

const MOD = 2 ** 32;

export type AckOutcome = { ok: true } | { ok: false; sent: number };

export class SmCounters {
  /** Client stanzas handled (the 'h' we report). */
  private handled = 0;
  /** Resolves once every client stanza received so far has been handled. */
  private tail: Promise<void> = Promise.resolve();
  /** Last 'h' the client acknowledged for our stanzas. */
  private acked = 0;
  /** Our stanzas not yet acknowledged, oldest first (wire form). */
  private readonly queue: string[] = [];

  get handledCount(): number { return this.handled; }
  get sentCount(): number { return (this.acked + this.queue.length) % MOD; }
  get unacked(): readonly string[] { return this.queue; }

  /** A stanza from the client; `work` is its asynchronous part, if any (failures count as handled). */
  received(work?: Promise<unknown>): void {
    const done = () => { this.handled = (this.handled + 1) % MOD; };
    // Settled at once, so that a failure is never an unhandled rejection while it waits its turn.
    const finished = work?.then(() => undefined, () => undefined);
    this.tail = this.tail.then(() => finished).then(done);
  }

  /** Resolves with 'h' once everything received so far is handled. */
  settled(): Promise<number> {
    return this.tail.then(() => this.handled);
  }

  /** A stanza we wrote (or queued while the connection is away). */
  sent(wire: string): void {
    this.queue.push(wire);
  }

  /** The client's 'h': drops what it covers; refuses an 'h' beyond what we sent. */
  ack(h: number): AckOutcome {
    const covered = (h - this.acked + MOD) % MOD;
    if (covered > this.queue.length) return { ok: false, sent: this.sentCount };
    this.queue.splice(0, covered);
    this.acked = h;
    return { ok: true };
  }

  /** Takes the unacknowledged stanzas out (the session ends without resumption). */
  drain(): string[] {
    const out = this.queue.splice(0);
    this.acked = (this.acked + out.length) % MOD;
    return out;
  }
}

/** An 'h' attribute: an xs:unsignedInt, else null. */
export function parseH(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n < MOD ? n : null;
}
