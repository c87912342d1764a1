// Matrix canonical JSON (spec appendices, "Canonical JSON"): the one byte encoding that every
// server hashes and signs, so it must match Synapse's bit for bit. Keys are sorted by Unicode
// code point, there is no whitespace, non-ASCII is written as raw UTF-8 and numbers are
// integers in [-(2^53)+1, 2^53-1].

export const MAX_SAFE_INT = 2 ** 53 - 1;
export const MIN_SAFE_INT = -(2 ** 53) + 1;

export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
  constructor(message: string, readonly path: string) {
    super(path ? `${message} at ${path}` : message);
  }
}

export interface CanonicalJsonOptions {
  /**
   * Room versions 1 to 5 predate strict canonical JSON; their events may hold floats or
   * integers out of range and must still be hashed. With this set such numbers are written
   * (integers with all digits, floats as JavaScript writes them: best effort, since the value
   * already lost precision when parsed); everything else stays strict.
   */
  allowUnsafeNumbers?: boolean;
}

/** Encodes a JSON value canonically; throws CanonicalJsonError for anything not allowed. */
export function canonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const lenient = options.allowUnsafeNumbers === true;
  try {
    return fast(value, lenient);
  } catch (e) {
    if (e !== REFUSED) throw e;
    return encode(value, '', lenient); // again, slowly, to name where the problem is
  }
}

/** The UTF-8 bytes of the canonical encoding: what is hashed and signed. */
export function canonicalJsonBytes(value: unknown, options: CanonicalJsonOptions = {}): Buffer {
  return Buffer.from(canonicalJson(value, options), 'utf8');
}

/** Throws CanonicalJsonError unless the value can be encoded (e.g. a client's event content). */
export function assertCanonicalizable(value: unknown): void {
  canonicalJson(value);
}

/** True when the value can be encoded strictly; a non-throwing form of assertCanonicalizable. */
export function isCanonicalizable(value: unknown): boolean {
  try {
    fast(value, false);
    return true;
  } catch (e) {
    if (e === REFUSED) return false;
    throw e;
  }
}

/**
 * The encoder every event goes through several times (content hash, reference hash), so it is
 * written for speed: one string built as it goes, no path bookkeeping, native string escaping.
 * It only says no (REFUSED); encode() below then runs to name the offending path.
 */
const REFUSED = Symbol('not canonical JSON');
// Any UTF-16 unit from D800 up: only then does code point order differ from code unit order.
const ABOVE_BMP_ORDER = /[\uD800-\uFFFF]/;

// String.prototype.isWellFormed (Node 20) is newer than the TypeScript lib this project targets.
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function fast(value: unknown, lenient: boolean): string {
  switch (typeof value) {
    case 'string':
      if (!wellFormed(value)) throw REFUSED;
      return JSON.stringify(value);
    case 'number':
      if (Number.isInteger(value) && value >= MIN_SAFE_INT && value <= MAX_SAFE_INT) return String(value);
      if (lenient && Number.isFinite(value)) return encodeNumber(value, '', true);
      throw REFUSED;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) throw REFUSED;
          if (i > 0) out += ',';
          out += fast(value[i], lenient);
        }
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw REFUSED;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      for (const k of keys) if (ABOVE_BMP_ORDER.test(k)) { keys.sort(compareCodePoints); break; }
      let out = '{';
      for (const k of keys) {
        const v = record[k];
        if (v === undefined) continue;
        if (!wellFormed(k)) throw REFUSED;
        if (out.length > 1) out += ',';
        out += JSON.stringify(k) + ':' + fast(v, lenient);
      }
      return out + '}';
    }
    default:
      throw REFUSED;
  }
}

/** The reference encoder: slower, but it names the path of what it refuses (see fast()). */
function encode(value: unknown, path: string, lenient: boolean): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return encodeNumber(value, path, lenient);
    case 'string':
      return encodeString(value, path);
    case 'object':
      if (Array.isArray(value)) return encodeArray(value, path, lenient);
      return encodeObject(value as object, path, lenient);
    default:
      throw new CanonicalJsonError(`${typeof value} is not a JSON value`, path);
  }
}

function encodeNumber(n: number, path: string, lenient: boolean): string {
  // -0 is an integer and String(-0) is "0", as the spec's example asks.
  if (Number.isInteger(n) && n >= MIN_SAFE_INT && n <= MAX_SAFE_INT) return String(n);
  // Python (Synapse) writes big integers with all their digits; JS would round to 1.15e18 form.
  if (lenient && Number.isInteger(n)) return BigInt(n).toString();
  if (lenient && Number.isFinite(n)) return JSON.stringify(n);
  if (!Number.isInteger(n)) throw new CanonicalJsonError(`number ${n} is not an integer`, path);
  throw new CanonicalJsonError(`integer ${n} is out of the canonical range`, path);
}

// With the u flag a surrogate only matches when it is unpaired: such a string has no UTF-8 form.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function encodeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw new CanonicalJsonError('string holds an unpaired surrogate', path);
  // JSON.stringify escapes exactly what the grammar requires: '"', '\', the short escapes
  // \b \t \n \f \r and other controls as lowercase \u00XX; everything else is written raw.
  return JSON.stringify(s);
}

function encodeArray(items: readonly unknown[], path: string, lenient: boolean): string {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) throw new CanonicalJsonError('sparse array', `${path}[${i}]`);
    parts.push(encode(items[i], `${path}[${i}]`, lenient));
  }
  return `[${parts.join(',')}]`;
}

function encodeObject(obj: object, path: string, lenient: boolean): string {
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError('only plain objects can be encoded', path);
  }
  const record = obj as Record<string, unknown>;
  // Members set to undefined are absent, as JSON.stringify (and so the wire form) has them.
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort(compareCodePoints);
  const parts = keys.map((k) => `${encodeString(k, path)}:${encode(record[k], `${path}.${k}`, lenient)}`);
  return `{${parts.join(',')}}`;
}

/**
 * Orders strings by Unicode code point. JavaScript compares UTF-16 code units, which puts
 * characters above U+FFFF (surrogate pairs, D800-DFFF) before U+E000-U+FFFF; code point order
 * puts them after. Only the first differing unit matters, so it is remapped when it is in
 * those ranges.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
