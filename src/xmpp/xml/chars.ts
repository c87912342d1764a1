// Character data and attribute values as XML 1.0 reads them: allowed characters only (§2.2),
// line ends normalized (§2.11), attribute whitespace normalized (§3.3.3), and references
// resolved. RFC 6120 §11.1 allows only the five predefined entities and character references.
import type { StreamErrorCondition } from '../errors.js';
import { isNcName } from './names.js';

export class XmlSyntaxError extends Error {
  constructor(readonly condition: StreamErrorCondition, message: string) { super(message); }
}

// C0 controls other than tab/LF/CR, and U+FFFE/U+FFFF, are not XML characters.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

type WellFormed = { isWellFormed(): boolean };

function checkChars(raw: string): void {
  // Lone surrogates: never from UTF-8 bytes, but possible in a string handed over as text.
  if (NOT_XML_CHAR.test(raw) || !(raw as unknown as WellFormed).isWellFormed()) {
    throw new XmlSyntaxError('not-well-formed', 'a character that XML does not allow');
  }
}

/** Text between tags (or a CDATA section's content, where no reference is read). */
export function decodeText(s: string, start: number, end: number, cdata = false): string {
  let raw = s.slice(start, end);
  checkChars(raw);
  if (cdata) return raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (raw.includes(']]>')) throw new XmlSyntaxError('not-well-formed', "']]>' in character data");
  if (raw.includes('\r')) raw = raw.replace(/\r\n?/g, '\n');
  return raw.includes('&') ? resolveReferences(raw) : raw;
}

/** An attribute value between its quotes. */
export function decodeAttr(s: string, start: number, end: number): string {
  let raw = s.slice(start, end);
  checkChars(raw);
  if (/[\t\n\r]/.test(raw)) raw = raw.replace(/\r\n|[\t\n\r]/g, ' ');
  return raw.includes('&') ? resolveReferences(raw) : raw;
}

function resolveReferences(raw: string): string {
  let out = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
    const semi = raw.indexOf(';', amp + 1);
    if (semi < 0) throw new XmlSyntaxError('not-well-formed', "'&' that does not start a reference");
    out += raw.slice(from, amp) + reference(raw.slice(amp + 1, semi));
    from = semi + 1;
  }
  return out + raw.slice(from);
}

function reference(name: string): string {
  const predefined = PREDEFINED[name];
  if (predefined !== undefined && Object.hasOwn(PREDEFINED, name)) return predefined;
  if (name.startsWith('#')) {
    const hex = name.startsWith('#x');
    const digits = name.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) throw new XmlSyntaxError('not-well-formed', `bad character reference &${name};`);
    const cp = parseInt(digits, hex ? 16 : 10);
    const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!ok) throw new XmlSyntaxError('not-well-formed', `character reference &${name}; is not an XML character`);
    return String.fromCodePoint(cp);
  }
  if (isNcName(name)) throw new XmlSyntaxError('restricted-xml', 'entity references are not allowed');
  throw new XmlSyntaxError('not-well-formed', "'&' that does not start a reference");
}
