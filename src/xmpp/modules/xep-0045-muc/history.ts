// Discussion history on entering a room (XEP-0045 §7.2.15-16): the <history/> limits a client
// asks for, and the selection that meets all of them at once ("the smallest amount of traffic
// that meets any combination of the criteria").
import type { XmlElement } from '../../xml/element.js';

/** Sent when the client does not say (Prosody and ejabberd send 20 too). */
export const DEFAULT_MAX_STANZAS = 20;
/** The service's own ceiling, whatever the client asks. */
export const MAX_STANZAS = 100;

export interface HistoryRequest {
  maxStanzas: number;
  /** Characters of the complete stanzas; null for no limit. */
  maxChars: number | null;
  /** Only messages sent at or after this time (ms since the epoch). */
  sinceTs: number | null;
}

function nonNegativeInt(s: string | undefined): number | null {
  if (s === undefined || !/^\s*\d+\s*$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** Reads <history/> from the join's <x xmlns='http://jabber.org/protocol/muc'/>; bad values are ignored. */
export function parseHistoryRequest(history: XmlElement | undefined, now: number): HistoryRequest {
  const maxStanzas = nonNegativeInt(history?.attr('maxstanzas'));
  const seconds = nonNegativeInt(history?.attr('seconds'));
  const sinceAttr = history?.attr('since');
  const since = sinceAttr !== undefined ? Date.parse(sinceAttr) : NaN;
  const limits = [seconds !== null ? now - seconds * 1000 : null, Number.isNaN(since) ? null : since]
    .filter((v): v is number => v !== null);
  return {
    maxStanzas: Math.min(maxStanzas ?? DEFAULT_MAX_STANZAS, MAX_STANZAS),
    maxChars: nonNegativeInt(history?.attr('maxchars')),
    sinceTs: limits.length > 0 ? Math.max(...limits) : null,
  };
}

export interface HistoryCandidate {
  ts: number;
  /** Length of the complete stanza as it will be sent. */
  chars: number;
}

/**
 * How many of the newest candidates (given newest first) to send: whole stanzas only, stopping at
 * the first one that is too old or would pass a limit.
 */
export function historyCount(newestFirst: readonly HistoryCandidate[], req: HistoryRequest): number {
  let chars = 0;
  let n = 0;
  for (const c of newestFirst) {
    if (n >= req.maxStanzas) break;
    if (req.sinceTs !== null && c.ts < req.sinceTs) break;
    if (req.maxChars !== null && chars + c.chars > req.maxChars) break;
    chars += c.chars;
    n++;
  }
  return n;
}
