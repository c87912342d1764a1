// JIDs (RFC 7622): `[localpart@]domainpart[/resourcepart]`, parsed once where they enter.
//
// Simplification, on purpose: the PRECIS profiles (RFC 8265 UsernameCaseMapped for the localpart,
// OpaqueString for the resource) and IDNA2008 for the domain are reduced to what decides equality
// and safety in practice:
//   - every part is Unicode NFC-normalized (PRECIS normalizes to NFC too);
//   - localpart and domainpart are lowercased with the Unicode default case mapping (what
//     UsernameCaseMapped and IDNA do for the scripts people use), and resources keep their case;
//   - control characters are refused everywhere, whitespace in the localpart and domainpart,
//     and the characters RFC 7622 §3.3.1 forbids in a localpart: " & ' / : < > @;
//   - each part is 1 to 1023 bytes of UTF-8 (RFC 7622 §3.1); a trailing dot of the domain is removed.
// Not done: PRECIS's full character-class tables (symbols, unassigned code points, bidi rules),
// the width mapping, and Punycode (A-label) conversion of internationalized domain names.

const MAX_PART_BYTES = 1023;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const LOCAL_FORBIDDEN = /["&'/:<>@\s]/u;
const DOMAIN_ASCII_OK = /^[a-z0-9._-]+$/;
const IP_LITERAL = /^\[[0-9a-f:.]+\]$/;
// Non-ASCII spaces are mapped to U+0020 in resources, as OpaqueString does.
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

function fits(part: string): boolean {
  return part.length > 0 && Buffer.byteLength(part) <= MAX_PART_BYTES;
}

export function prepLocalpart(s: string): string | null {
  const p = s.normalize('NFC').toLowerCase();
  return fits(p) && !CONTROL.test(p) && !LOCAL_FORBIDDEN.test(p) ? p : null;
}

export function prepDomain(s: string): string | null {
  const p = (s.endsWith('.') ? s.slice(0, -1) : s).normalize('NFC').toLowerCase();
  if (!fits(p) || CONTROL.test(p) || /[\s@/]/u.test(p)) return null;
  if (IP_LITERAL.test(p)) return p;
  if (p.split('.').some((label) => label.length === 0)) return null;
  // ASCII characters are held to letters, digits, hyphen, dot and underscore; other scripts pass.
  const ascii = p.replace(/[^\u0000-\u007F]/g, '');
  return ascii === '' || DOMAIN_ASCII_OK.test(ascii) ? p : null;
}

export function prepResource(s: string): string | null {
  const p = s.replace(NON_ASCII_SPACE, ' ').normalize('NFC');
  return fits(p) && !CONTROL.test(p) ? p : null;
}

const parsed = new Map<string, Jid | null>();
const PARSED_MAX_ENTRIES = 4096;
const PARSED_MAX_LENGTH = 200;

export class Jid {
  /** '' when the JID has no localpart (a server or service). */
  readonly local: string;
  readonly domain: string;
  /** '' for a bare JID. */
  readonly resource: string;

  private constructor(local: string, domain: string, resource: string) {
    this.local = local;
    this.domain = domain;
    this.resource = resource;
  }

  /**
   * Parses and normalizes; null when any part is invalid. Every stanza's from and to go through
   * here, mostly the same few JIDs, and preparing them (NFC, case mapping, checks) costs: the
   * answers for short strings are remembered (a Jid never changes), up to a bound.
   */
  static parse(s: string): Jid | null {
    let jid = parsed.get(s);
    if (jid !== undefined) return jid;
    jid = Jid.parseUncached(s);
    if (s.length <= PARSED_MAX_LENGTH) {
      if (parsed.size >= PARSED_MAX_ENTRIES) parsed.clear();
      parsed.set(s, jid);
    }
    return jid;
  }

  private static parseUncached(s: string): Jid | null {
    const slash = s.indexOf('/');
    const head = slash < 0 ? s : s.slice(0, slash);
    const at = head.lastIndexOf('@');
    const local = at < 0 ? undefined : head.slice(0, at);
    const domain = at < 0 ? head : head.slice(at + 1);
    return Jid.of(local, domain, slash < 0 ? undefined : s.slice(slash + 1));
  }

  /** Builds from parts (each prepared); an empty string for a given part is invalid, as in a JID. */
  static of(local: string | undefined, domain: string, resource?: string): Jid | null {
    const l = local === undefined ? '' : prepLocalpart(local);
    const d = prepDomain(domain);
    const r = resource === undefined ? '' : prepResource(resource);
    return l === null || d === null || r === null ? null : new Jid(l, d, r);
  }

  bare(): Jid {
    return this.resource === '' ? this : new Jid(this.local, this.domain, '');
  }

  isBare(): boolean {
    return this.resource === '';
  }

  withResource(resource: string): Jid | null {
    const r = prepResource(resource);
    return r === null ? null : new Jid(this.local, this.domain, r);
  }

  /** `local@domain` or `domain`. */
  bareString(): string {
    return this.local === '' ? this.domain : `${this.local}@${this.domain}`;
  }

  toString(): string {
    return this.resource === '' ? this.bareString() : `${this.bareString()}/${this.resource}`;
  }

  equals(other: Jid | string | null | undefined): boolean {
    const o = typeof other === 'string' ? Jid.parse(other) : other;
    return !!o && o.local === this.local && o.domain === this.domain && o.resource === this.resource;
  }
}

export function parseJid(s: string | undefined | null): Jid | null {
  return s === undefined || s === null ? null : Jid.parse(s);
}
