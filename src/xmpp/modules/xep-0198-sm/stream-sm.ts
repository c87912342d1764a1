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
  /** Writes what was queued while the connection was away, then goes live. */
  wake(after: XmlElement): void;
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
  // §3: only after resource binding, and only once per stream.
  if (!s.resource || s.sm) return s.writeNonza(failed('unexpected-request'));
  const wantsResume = el.attr('resume') === 'true' || el.attr('resume') === '1';
  const asked = parseH(el.attr('max'));
  const max = asked && asked > 0 ? Math.min(asked, smSettings.resumeTimeoutSeconds) : smSettings.resumeTimeoutSeconds;
  const id = wantsResume ? randomBytes(18).toString('base64url') : null;
  s.writeNonza(enabled(id, max));
  s.sm = new StreamManagement(id, max);
  if (id) resumable.set(id, s);
}

function onAck(s: SmStream, el: XmlElement): void {
  if (!s.sm) return;
  const h = parseH(el.attr('h'));
  if (h === null) return; // unreadable: ignored rather than guessed at
  const outcome = s.sm.counters.ack(h);
  if (!outcome.ok) s.endWithError(tooHighStreamError(h, outcome.sent));
}

function resume(s: SmStream, el: XmlElement): void {
  // §5: instead of binding, after authentication.
  if (!s.username || s.resource || s.sm) return s.writeNonza(failed('unexpected-request'));
  const previd = el.attr('previd') ?? '';
  const h = parseH(el.attr('h'));
  if (h === null) return s.writeNonza(failed('bad-request'));
  const old = resumable.get(previd);
  if (!old || !old.sm || old.owner !== s.owner || old.username !== s.username) {
    return s.writeNonza(failed('item-not-found'));
  }
  const outcome = old.sm.counters.ack(h);
  if (!outcome.ok) {
    return s.writeNonza(failed('undefined-condition', old.sm.counters.handledCount, handledCountTooHigh(h, outcome.sent)));
  }
  s.handOverTo(old);
  const sm = old.sm;
  // The 'h' we report must cover only stanzas whose handling is complete (durable).
  void sm.counters.settled().then((hIn) => old.wake(resumed(previd, hIn)));
}
