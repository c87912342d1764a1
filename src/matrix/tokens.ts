// Sync and pagination tokens. Events and account data share one position stream
// (core/bus.ts StreamCounter), so a token is one number: `s<N>` means "the point just after
// stream position N". /sync's next_batch is `s<committed>`; a timeline's prev_batch is the point
// just before its first event; /messages with dir=b from `s<N>` returns events at positions <= N,
// with dir=f events at positions > N. The `s` prefix leaves room for other token kinds later
// (e.g. a second stream for typing/receipts) without breaking tokens clients already hold.
import { invalidParam } from './errors.js';

const TOKEN = /^s(\d{1,16})$/;

export function formatToken(pos: number): string {
  return `s${Math.max(0, pos)}`;
}

/** The position of a token, or null when it is not one of ours. */
export function parseToken(token: string): number | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

/** Like parseToken, for a request parameter: a malformed token is the client's error. */
export function tokenParam(token: string | null, name: string): number | null {
  if (token === null || token === '') return null;
  const pos = parseToken(token);
  if (pos === null) throw invalidParam(`${name} is not a valid token`);
  return pos;
}
