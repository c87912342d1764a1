// XEP-0198 on one client stream: <enable/>, acks both ways, and <resume/> of a session whose
// connection dropped. The stream (stream/c2s-stream.ts) owns the socket and the session; this
// file decides what each SM nonza means and keeps the resumable sessions by SM-ID.
import { randomBytes } from 'node:crypto';
import { streamError } from '../../errors.js';
import type { XmlElement } from '../../xml/element.js';
import { parseH, SmCounters } from './counters.js';
import { ack, enabled, failed, handledCountTooHigh, resumed, tooHighStreamError } from './elements.js';

/** Server-wide SM settings; tests shorten the timeout. */
export const smSettings = { resumeTimeoutSeconds: 300 };

/** session.data key under which a session that ends for good leaves its unacknowledged stanzas. */
export const SM_UNACKED = 'xep0198.unacked';
/** session.data key set (true) while the session's connection is away, waiting for resumption. */
export const SM_HIBERNATING = 'xep0198.hibernating';

/** What the stream exposes to the SM logic. */
export interface SmStream {
  readonly username: string;
  /** '' before bind. */
  readonly resource: string;
  /** The session host: resumption never crosses servers. */
  readonly owner: unknown;
  sm: StreamManagement | null;
  writeNonza(el: XmlElement): void;
  /** Ends the stream (and session) with this stream error element. */
  endWithError(el: XmlElement): void;
  /** This new connection takes over `old`'s session; this stream object goes inert. */
  handOverTo(old: SmStream): void;
  /** Writes `after` (<resumed/>, or a SASL2 <success/> holding it), what was queued while the connection was away, then goes live. */
  wake(after: XmlElement | string): void;
}

const resumable = new Map<string, SmStream>();

export class StreamManagement {
  readonly counters = new SmCounters();
  constructor(readonly id: string | null, readonly maxSeconds: number) {}

  /** The session ended for good: it can no longer be resumed. */
  forget(): void {
    if (this.id) resumable.delete(this.id);
  }
}

/**
 * Server shutdown: sessions waiting for resumption have no connection for the listeners to close,
 * so they are ended here (their presence goes unavailable, their unacknowledged messages are due
 * at the next login).
 */
export function endResumableSessions(owner: unknown): void {
  for (const s of [...resumable.values()]) {
    if (s.owner === owner) s.endWithError(streamError('system-shutdown'));
  }
}

export function onSmNonza(s: SmStream, el: XmlElement): void {
  switch (el.name) {
    case 'enable': return enable(s, el);
    case 'r':
      if (s.sm) void s.sm.counters.settled().then((h) => s.writeNonza(ack(h)));
      return;
    case 'a': return onAck(s, el);
    case 'resume': return resume(s, el);
    default: return; // <enabled/>, <failed/> and unknown SM elements mean nothing from a client
  }
}

function enable(s: SmStream, el: XmlElement): void {
  s.writeNonza(enableSm(s, el));
}

/** §3 <enable/>: switches SM on for the stream and returns the answer (<enabled/> or <failed/>), also for Bind 2 inline. */
export function enableSm(s: SmStream, el: XmlElement): XmlElement {
  // §3: only after resource binding, and only once per stream.
  if (!s.resource || s.sm) return failed('unexpected-request');
  const wantsResume = el.attr('resume') === 'true' || el.attr('resume') === '1';
  const asked = parseH(el.attr('max'));
  const max = asked && asked > 0 ? Math.min(asked, smSettings.resumeTimeoutSeconds) : smSettings.resumeTimeoutSeconds;
  const id = wantsResume ? randomBytes(18).toString('base64url') : null;
  s.sm = new StreamManagement(id, max);
  if (id) resumable.set(id, s);
  return enabled(id, max);
}

function onAck(s: SmStream, el: XmlElement): void {
  if (!s.sm) return;
  const h = parseH(el.attr('h'));
  if (h === null) return; // unreadable: ignored rather than guessed at
  const outcome = s.sm.counters.ack(h);
  if (!outcome.ok) s.endWithError(tooHighStreamError(h, outcome.sent));
}

function resume(s: SmStream, el: XmlElement): void {
  const outcome = startResume(s, el);
  if ('failed' in outcome) return s.writeNonza(outcome.failed);
  void outcome.resumed.then((r) => outcome.session.wake(r));
}

/**
 * §5 <resume/>: on success this connection takes the old session over (its stream object goes
 * inert) and `resumed` gives the <resumed/> to send once what the client sent is handled; the
 * caller writes it through `session.wake`. Also used inline in SASL2 (§Inline resumption).
 */
export function startResume(s: SmStream, el: XmlElement): { failed: XmlElement } | { session: SmStream; resumed: Promise<XmlElement> } {
  // §5: instead of binding, after authentication.
  if (!s.username || s.resource || s.sm) return { failed: failed('unexpected-request') };
  const previd = el.attr('previd') ?? '';
  const h = parseH(el.attr('h'));
  if (h === null) return { failed: failed('bad-request') };
  const old = resumable.get(previd);
  if (!old || !old.sm || old.owner !== s.owner || old.username !== s.username) {
    return { failed: failed('item-not-found') };
  }
  const outcome = old.sm.counters.ack(h);
  if (!outcome.ok) {
    return { failed: failed('undefined-condition', old.sm.counters.handledCount, handledCountTooHigh(h, outcome.sent)) };
  }
  s.handOverTo(old);
  // The 'h' we report must cover only stanzas whose handling is complete (durable).
  return { session: old, resumed: old.sm.counters.settled().then((hIn) => resumed(previd, hIn)) };
}
