// Seeded mutations of valid requests, for the fuzz tests: the same seed gives the same cases, so a
// failure names a case that can be replayed.

/** A small seeded PRNG (mulberry32): fast, and enough for picking mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Values of every JSON type, and the awkward ones: huge, negative, fractional, odd Unicode. */
export function oddValue(r: Rand): unknown {
  return pick(r, [
    () => null, () => true, () => 0, () => -1, () => 1.5, () => 2 ** 53 + 2, () => -(2 ** 63), () => 1e308,
    () => '', () => 'x'.repeat(70_000), () => '\u0000\ud800', () => '@:', () => '!nope:elsewhere', () => '$', () => '../../etc/passwd',
    () => [], () => [null, 1, 'a'], () => ({}), () => ({ toString: 1, valueOf: null }), () => deep(r, 200),
  ])();
}

function deep(r: Rand, depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = r() < 0.5 ? [v] : { k: v };
  return v;
}

/** Every path to a value inside `v` (objects and arrays), the root included. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

function valueAt(root: unknown, at: (string | number)[]): unknown {
  return at.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
}

function setAt(root: unknown, at: (string | number)[], value: unknown, remove = false): unknown {
  if (at.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of at.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = at[at.length - 1]!;
  if (remove) {
    if (Array.isArray(cur)) cur.splice(last as number, 1);
    else delete cur[last];
  } else cur[last] = value;
  return copy;
}

/** A JSON body turned bad: a value replaced, a key dropped or added, or the text itself broken. */
export function mutateBody(r: Rand, body: unknown): string {
  const text = JSON.stringify(body ?? {});
  const kind = r();
  if (kind < 0.12) {
    // Broken text: truncated, a byte flipped, not JSON at all, or JSON of another type.
    return pick(r, [
      () => text.slice(0, Math.floor(r() * text.length)),
      () => { const i = Math.floor(r() * text.length); return text.slice(0, i) + String.fromCharCode(Math.floor(r() * 256)) + text.slice(i + 1); },
      () => '\u0000\u00ff{{', () => '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}', () => '[1,2,3]', () => '"a string"', () => '42', () => 'null', () => `${text}${text}`,
    ])();
  }
  const all = paths(body);
  const at = pick(r, all);
  if (kind < 0.3 && at.length > 0) return JSON.stringify(setAt(body, at, undefined, true));
  if (kind < 0.4) {
    const objects = all.filter((p) => { const v = valueAt(body, p); return !!v && typeof v === 'object' && !Array.isArray(v); });
    if (objects.length > 0) return JSON.stringify(setAt(body, [...pick(r, objects), `unknown_${Math.floor(r() * 100)}`], oddValue(r)));
  }
  return JSON.stringify(setAt(body, at, oddValue(r)));
}

/** A path segment turned bad: empty, huge, encoded oddly, or another kind of identifier. */
export function oddSegment(r: Rand): string {
  return pick(r, ['', '%', '%00', '%ZZ', 'x'.repeat(5000), encodeURIComponent('!a:b/../c'), '@alice:localhost', '$event', '..', '%2F', '%ED%A0%80', '%C0%AF']);
}
