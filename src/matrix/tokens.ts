// Sync and pagination tokens. Events and account data share one position stream
// (core/bus.ts StreamCounter), so a token is one number: `s<N>` means "the point just after
// stream position N". /sync's next_batch is `s<committed>`; a timeline's prev_batch is the point
// just before its first event; /messages with dir=b from `s<N>` returns events at positions <= N,
// with dir=f events at positions > N. The `s` prefix leaves room for other token kinds later
// (e.g. a second stream for typing/receipts) without breaking tokens clients already hold.
//
// A /sync next_batch may carry a second part, `s<N>_d<M>`: the response held back to-device
// messages after position M (the spec's 100 per response), so the next sync sends those from M
// on. Everywhere else such a token means position N, as clients pass next_batch to /members `at`.
import { invalidParam } from './errors.js';

const TOKEN = /^s(\d{1,16})(?:_d(\d{1,16}))?$/;

export function formatToken(pos: number): string {
  return `s${Math.max(0, pos)}`;
}

/** A /sync next_batch: `toDevice` is where to-device delivery stopped short of `pos`, if it did. */
export function formatSyncToken(pos: number, toDevice: number | null): string {
  return toDevice === null ? formatToken(pos) : `${formatToken(pos)}_d${Math.max(0, toDevice)}`;
}

function parts(token: string): { pos: number; toDevice: number | null } | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const pos = Number(m[1]);
  const toDevice = m[2] === undefined ? null : Number(m[2]);
  if (!Number.isSafeInteger(pos) || (toDevice !== null && (!Number.isSafeInteger(toDevice) || toDevice > pos))) return null;
  return { pos, toDevice };
}

/** The position of a token, or null when it is not one of ours. */
export function parseToken(token: string): number | null {
  return parts(token)?.pos ?? null;
}

/** /sync's `since`: the position, and where to-device delivery resumes (the position unless held back). */
export function syncSinceParam(token: string | null): { pos: number; toDevice: number } | null {
  if (token === null || token === '') return null;
  const p = parts(token);
  if (p === null) throw invalidParam('since is not a valid token');
  return { pos: p.pos, toDevice: p.toDevice ?? p.pos };
}

/** Like parseToken, for a request parameter: a malformed token is the client's error. */
export function tokenParam(token: string | null, name: string): number | null {
  if (token === null || token === '') return null;
  const pos = parseToken(token);
  if (pos === null) throw invalidParam(`${name} is not a valid token`);
  return pos;
}
