// Streaming parser for one XMPP stream (RFC 6120 §4): bytes in, events out. It enforces the XML
// restrictions of RFC 6120 §11.1 (no DTD, no entity other than the five predefined and character
// references, no comment, no processing instruction) and a per-stanza size limit counted while
// the bytes arrive, so a peer cannot make the server buffer an unbounded element.
//
// `feed()` returns the events a chunk produced, in order. The consumer stops reading the list when
// an event makes it restart the stream (after STARTTLS or SASL): whatever followed in the same
// chunk is discarded, which is what RFC 6120 §5.4.3.3 requires after STARTTLS.
//
// Written for this subset of XML rather than on a general SAX parser: every connection holds one
// for its whole life (a general parser was ~4 KiB of it per idle connection) and every stanza in
// and out of the server goes through it. Input is kept only from the start of the first
// unfinished token; a token cut by a chunk boundary is scanned on from where the last chunk ended.
import { isUtf8 } from 'node:buffer';
import { XmlElement, type XmlNode } from './element.js';
import { NS_STREAMS, type StreamErrorCondition } from '../errors.js';
import { decodeAttr, decodeText, XmlSyntaxError } from './chars.js';
import { isNcName } from './names.js';

export type StreamEvent =
  | { type: 'open'; attrs: Record<string, string>; contentNs: string }
  | { type: 'stanza'; element: XmlElement }
  | { type: 'close' }
  | { type: 'error'; condition: StreamErrorCondition; text: string };

export interface StreamParserOptions {
  /** Largest top-level element, in bytes (RFC 6120 §13.12 item 4). Default 256 KiB. */
  maxStanzaSize?: number;
}

export const DEFAULT_MAX_STANZA_SIZE = 256 * 1024;

const NS_XML = 'http://www.w3.org/XML/1998/namespace';
const LT = 0x3c, GT = 0x3e, SLASH = 0x2f, BANG = 0x21, QUESTION = 0x3f, EQ = 0x3d, QUOT = 0x22, APOS = 0x27;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
const WHITESPACE_ONLY = /^[ \t\r\n]*$/;

/** An element being read: its children so far and the namespaces in scope for its content. */
interface Frame {
  qname: string;
  name: string;
  ns: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The default namespace for unprefixed children. */
  defaultNs: string;
  /** Prefixes declared on this element; null when none. */
  prefixes: Record<string, string> | null;
}

/** Thrown while reading a token; becomes one error event. */
class StreamFailure extends Error {
  constructor(readonly condition: StreamErrorCondition, text: string) { super(text); }
}

export class StreamParser {
  private readonly maxBytes: number;
  /** Decoded input not consumed yet: it starts at the first unfinished token. */
  private buf = '';
  /** Bytes of an incomplete UTF-8 sequence at the end of the last chunk. */
  private carry: Buffer | null = null;
  /** How far the unfinished token at the start of `buf` was already scanned, and in which quote. */
  private scanned = 0;
  private quote = 0;
  private stack: Frame[] = [];
  private events: StreamEvent[] = [];
  private done = false;
  private started = false;
  /** Where the current top-level unit (header or stanza) began in `buf`, and its bytes before `buf`. */
  private unitStart = 0;
  private unitCarried = 0;

  constructor(opts: StreamParserOptions = {}) {
    this.maxBytes = opts.maxStanzaSize ?? DEFAULT_MAX_STANZA_SIZE;
  }

  /** Starts over for a new stream on the same connection (stream restart). */
  reset(): void {
    this.buf = '';
    this.carry = null;
    this.scanned = 0;
    this.quote = 0;
    this.stack = [];
    this.events = [];
    this.done = false;
    this.started = false;
    this.unitStart = 0;
    this.unitCarried = 0;
  }

  /** True once the stream ended or failed; later input is ignored. */
  get finished(): boolean {
    return this.done;
  }

  feed(chunk: Buffer | string): StreamEvent[] {
    if (this.done) return [];
    const events: StreamEvent[] = [];
    this.events = events;
    const text = typeof chunk === 'string' ? chunk : this.decode(chunk);
    if (text === null) return events;
    this.buf = this.buf === '' ? text : this.buf + text;
    let pos = 0;
    try {
      pos = this.run();
      this.keepFrom(pos);
    } catch (err) {
      if (!(err instanceof StreamFailure)) throw err;
      this.fail(err.condition, err.message);
    }
    this.events = [];
    return events;
  }

  /** UTF-8 bytes to text; a sequence cut by the chunk boundary waits for the next chunk. */
  private decode(chunk: Buffer): string | null {
    let bytes = chunk;
    if (this.carry) {
      bytes = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    const cut = incompleteTail(bytes);
    if (cut < bytes.length) {
      this.carry = Buffer.from(bytes.subarray(cut));
      bytes = bytes.subarray(0, cut);
    }
    if (!isUtf8(bytes)) {
      this.fail('not-well-formed', 'invalid UTF-8');
      return null;
    }
    return bytes.toString('utf8');
  }

  /** Reads every complete token in `buf`; returns where the first unfinished one starts. */
  private run(): number {
    const buf = this.buf;
    const len = buf.length;
    let pos = 0;
    while (pos < len && !this.done) {
      if (buf.charCodeAt(pos) !== LT) {
        const lt = buf.indexOf('<', Math.max(pos, this.scanned));
        if (lt < 0) {
          // Outside stanzas only whitespace may come (keepalives): take it now. Inside, wait for the '<'.
          if (this.stack.length < 2) { this.onText(pos, len); pos = this.tokenDone(len); } else this.scanned = len;
          break;
        }
        this.onText(pos, lt);
        pos = this.tokenDone(lt);
        continue;
      }
      if (pos + 1 >= len) break;
      const next = buf.charCodeAt(pos + 1);
      let end: number;
      if (next === SLASH) end = this.endTag(pos);
      else if (next === BANG) end = this.markup(pos);
      else if (next === QUESTION) end = this.instruction(pos);
      else end = this.startTag(pos);
      if (end < 0) break;
      pos = this.tokenDone(end);
    }
    return pos;
  }

  private tokenDone(end: number): number {
    this.scanned = 0;
    this.quote = 0;
    // Back at the stream's top level (after the header or a stanza): the next unit starts here.
    if (this.stack.length === 1) {
      this.unitStart = end;
      this.unitCarried = 0;
    }
    return end;
  }

  /** Drops what was read; checks the size of the unit that is still open. */
  private keepFrom(pos: number): void {
    if (this.done) return;
    const buf = this.buf;
    const open = this.stack.length !== 1 || pos < buf.length; // the header, a stanza or a token is unfinished
    if (open) {
      this.checkSize(buf.length);
      this.unitCarried += Buffer.byteLength(buf.slice(this.unitStart, pos));
    } else {
      this.unitCarried = 0;
    }
    this.unitStart = 0;
    this.scanned = Math.max(0, this.scanned - pos);
    this.buf = pos >= buf.length ? '' : buf.slice(pos);
  }

  /** Fails the stream when the current unit, up to `end` in `buf`, is larger than the limit. */
  private checkSize(end: number): void {
    const chars = end - this.unitStart;
    // A UTF-16 code unit is at most 3 bytes in UTF-8: count exactly only when it could matter.
    if (this.unitCarried + chars * 3 <= this.maxBytes) return;
    if (this.unitCarried + Buffer.byteLength(this.buf.slice(this.unitStart, end)) > this.maxBytes) {
      throw new StreamFailure('policy-violation', `stanza larger than ${this.maxBytes} bytes`);
    }
  }

  private fail(condition: StreamErrorCondition, text: string): void {
    if (this.done) return;
    this.done = true;
    this.buf = '';
    this.carry = null;
    this.stack = [];
    this.events.push({ type: 'error', condition, text });
  }

  /** Character data from `start` to `end` (a '<' follows). */
  private onText(start: number, end: number): void {
    const depth = this.stack.length;
    if (depth >= 2) {
      const t = decodeTextOrFail(this.buf, start, end);
      const children = this.stack[depth - 1]!.children;
      const last = children.length - 1;
      if (last >= 0 && typeof children[last] === 'string') children[last] = (children[last] as string) + t;
      else children.push(t);
      return;
    }
    if (WHITESPACE_ONLY.test(this.buf.slice(start, end))) {
      // Whitespace between stanzas (keepalives, RFC 6120 §4.6.1) never counts against the limit.
      if (depth === 1) this.unitStart = end;
      return;
    }
    if (depth === 1) throw new StreamFailure('bad-format', 'character data is not allowed between stanzas');
    throw new StreamFailure('not-well-formed', 'text outside of the stream element');
  }

  /** `<name attr='v' ...>` or `<name .../>`; returns the index after it, or -1 when incomplete. */
  private startTag(pos: number): number {
    const buf = this.buf;
    const gt = this.findTagEnd(pos);
    if (gt < 0) return -1;
    this.checkSize(gt + 1);
    const selfClosing = buf.charCodeAt(gt - 1) === SLASH;
    const tagEnd = selfClosing ? gt - 1 : gt;
    let i = pos + 1;
    while (i < tagEnd && !isSpace(buf.charCodeAt(i))) i++;
    const qname = buf.slice(pos + 1, i);
    checkQName(qname, 'element');
    const raw = readAttributes(buf, i, tagEnd);
    const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1]! : null;
    let prefixes: Record<string, string> | null = null;
    let defaultNs = parent?.defaultNs ?? '';
    for (let k = 0; k < raw.length; k += 2) {
      const name = raw[k]!;
      if (name === 'xmlns') defaultNs = raw[k + 1]!;
      else if (name.startsWith('xmlns:')) {
        const p = name.slice(6);
        if (p === 'xmlns' || (p === 'xml') !== (raw[k + 1] === NS_XML) || raw[k + 1] === '') {
          throw new StreamFailure('not-well-formed', `bad namespace declaration ${name}`);
        }
        (prefixes ??= {})[p] = raw[k + 1]!;
      }
    }
    const colon = qname.indexOf(':');
    const name = colon < 0 ? qname : qname.slice(colon + 1);
    const ns = colon < 0 ? defaultNs : this.resolve(qname.slice(0, colon), prefixes);
    const frame: Frame = { qname, name, ns, attrs: {}, children: [], defaultNs, prefixes };
    if (this.stack.length === 0) this.openStream(frame, raw);
    else {
      frame.attrs = this.elementAttrs(frame, raw, this.stack.length === 1 ? parent!.defaultNs : parent!.ns);
      this.stack.push(frame);
    }
    if (selfClosing) this.closeElement();
    return gt + 1;
  }

  /** The stream header: `<stream:stream>` in the streams namespace. */
  private openStream(frame: Frame, raw: string[]): void {
    if (frame.ns !== NS_STREAMS) throw new StreamFailure('invalid-namespace', `stream namespace must be ${NS_STREAMS}`);
    if (frame.name !== 'stream') throw new StreamFailure('bad-format', 'the root element must be <stream>');
    const attrs: Record<string, string> = {};
    for (let k = 0; k < raw.length; k += 2) attrs[raw[k]!] = raw[k + 1]!;
    this.stack.push(frame);
    this.events.push({ type: 'open', attrs, contentNs: frame.defaultNs });
  }

  /**
   * Attributes as they will be serialized again: namespace declarations are rebuilt so that the
   * element can be written on its own (without its ancestors) and mean the same thing.
   */
  private elementAttrs(frame: Frame, raw: string[], parentNs: string): Record<string, string> {
    const attrs: Record<string, string> = {};
    if (frame.ns !== parentNs) attrs.xmlns = frame.ns;
    let expanded: Set<string> | null = null;
    for (let k = 0; k < raw.length; k += 2) {
      const name = raw[k]!;
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      attrs[name] = raw[k + 1]!;
      const colon = name.indexOf(':');
      if (colon < 0) continue;
      const prefix = name.slice(0, colon);
      const uri = this.resolve(prefix, frame.prefixes);
      // Two prefixes for one namespace must not give one attribute twice (Namespaces in XML §6.3).
      expanded ??= new Set();
      const key = `${uri}\u0000${name.slice(colon + 1)}`;
      if (expanded.has(key)) throw new StreamFailure('not-well-formed', `attribute ${name} given twice`);
      expanded.add(key);
      if (prefix !== 'xml') attrs['xmlns:' + prefix] = uri;
    }
    return attrs;
  }

  private resolve(prefix: string, own: Record<string, string> | null): string {
    if (prefix === 'xml') return NS_XML;
    const mine = own?.[prefix];
    if (mine !== undefined) return mine;
    for (let d = this.stack.length - 1; d >= 0; d--) {
      const uri = this.stack[d]!.prefixes?.[prefix];
      if (uri !== undefined) return uri;
    }
    throw new StreamFailure('bad-namespace-prefix', `unbound namespace prefix ${prefix}`);
  }

  /** `</name>`: ends the element on top, the stream itself at depth 1. */
  private endTag(pos: number): number {
    const buf = this.buf;
    const gt = buf.indexOf('>', Math.max(pos + 2, this.scanned));
    if (gt < 0) { this.scanned = buf.length; return -1; }
    let i = gt;
    while (i > pos + 2 && isSpace(buf.charCodeAt(i - 1))) i--;
    const qname = buf.slice(pos + 2, i);
    this.checkSize(gt + 1);
    const top = this.stack[this.stack.length - 1];
    if (!top || top.qname !== qname) throw new StreamFailure('not-well-formed', `unexpected close tag </${qname}>`);
    this.closeElement();
    return gt + 1;
  }

  private closeElement(): void {
    const frame = this.stack.pop()!;
    const depth = this.stack.length;
    if (depth === 0) {
      this.done = true;
      this.events.push({ type: 'close' });
      return;
    }
    const el = new XmlElement(frame.name, frame.attrs, frame.children, frame.ns);
    if (depth > 1) {
      this.stack[depth - 1]!.children.push(el);
      return;
    }
    this.events.push({ type: 'stanza', element: el });
  }

  /** `<!...`: CDATA sections are text; comments, DTDs and anything else are refused. */
  private markup(pos: number): number {
    const buf = this.buf;
    if (buf.length - pos < 9 && '<![CDATA['.startsWith(buf.slice(pos))) return -1;
    if (!buf.startsWith('<![CDATA[', pos)) {
      if (buf.startsWith('<!--', pos)) throw new StreamFailure('restricted-xml', 'comments are not allowed');
      if (buf.length - pos < 4 && '<!--'.startsWith(buf.slice(pos))) return -1;
      throw new StreamFailure('restricted-xml', 'DTDs are not allowed');
    }
    const close = buf.indexOf(']]>', Math.max(pos + 9, this.scanned - 2));
    if (close < 0) { this.scanned = buf.length; return -1; }
    if (this.stack.length < 2) throw new StreamFailure('bad-format', 'character data is not allowed between stanzas');
    const t = buf.slice(pos + 9, close).replace(/\r\n?/g, '\n');
    checkChars(t);
    const children = this.stack[this.stack.length - 1]!.children;
    const last = children.length - 1;
    if (last >= 0 && typeof children[last] === 'string') children[last] = (children[last] as string) + t;
    else children.push(t);
    return close + 3;
  }

  /** `<?...`: only the XML declaration, at the very start of the stream. */
  private instruction(pos: number): number {
    const buf = this.buf;
    if (buf.length - pos < 6) {
      if ('<?xml'.startsWith(buf.slice(pos, pos + 5))) return -1;
    } else if (pos === 0 && !this.started && buf.startsWith('<?xml', pos) && (isSpace(buf.charCodeAt(pos + 5)) || buf.charCodeAt(pos + 5) === QUESTION)) {
      const end = buf.indexOf('?>', Math.max(pos + 5, this.scanned - 1));
      if (end < 0) { this.scanned = buf.length; return -1; }
      const encoding = /\sencoding\s*=\s*(["'])([^"']*)\1/.exec(buf.slice(pos + 5, end));
      if (encoding && encoding[2]!.toLowerCase() !== 'utf-8') throw new StreamFailure('unsupported-encoding', 'only UTF-8 is supported');
      this.started = true;
      return end + 2;
    }
    throw new StreamFailure('restricted-xml', 'processing instructions are not allowed');
  }

  /** The '>' that ends the tag starting at `pos`, outside quoted attribute values; -1 if not here yet. */
  private findTagEnd(pos: number): number {
    const buf = this.buf;
    const len = buf.length;
    let quote = this.quote;
    for (let i = Math.max(pos + 1, this.scanned); i < len; i++) {
      const c = buf.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
        else if (c === LT) throw new StreamFailure('not-well-formed', "'<' in an attribute value");
      } else if (c === GT) {
        this.started = true;
        return i;
      } else if (c === QUOT || c === APOS) quote = c;
      else if (c === LT) throw new StreamFailure('not-well-formed', "'<' inside a tag");
    }
    this.scanned = len;
    this.quote = quote;
    return -1;
  }
}

/**
 * Where a trailing UTF-8 sequence that is not complete yet begins (the length when there is
 * none). Invalid bytes are left in place for the validator to refuse.
 */
function incompleteTail(bytes: Buffer): number {
  const len = bytes.length;
  let i = len - 1;
  const stop = Math.max(0, len - 4);
  while (i > stop && (bytes[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return len;
  const lead = bytes[i]!;
  const need = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 1;
  return len - i < need ? i : len;
}

/** Name and value pairs of a start tag's attributes, flat: [name0, value0, name1, value1, ...]. */
function readAttributes(buf: string, start: number, end: number): string[] {
  const out: string[] = [];
  let i = start;
  for (;;) {
    const before = i;
    while (i < end && isSpace(buf.charCodeAt(i))) i++;
    if (i >= end) return out;
    if (i === before) throw new StreamFailure('not-well-formed', 'attributes must be separated by whitespace');
    const nameStart = i;
    while (i < end) {
      const c = buf.charCodeAt(i);
      if (c === EQ || isSpace(c)) break;
      i++;
    }
    const name = buf.slice(nameStart, i);
    checkQName(name, 'attribute');
    while (i < end && isSpace(buf.charCodeAt(i))) i++;
    if (buf.charCodeAt(i) !== EQ) throw new StreamFailure('not-well-formed', `attribute ${name} has no value`);
    i++;
    while (i < end && isSpace(buf.charCodeAt(i))) i++;
    const q = buf.charCodeAt(i);
    if (q !== QUOT && q !== APOS) throw new StreamFailure('not-well-formed', `attribute ${name} is not quoted`);
    const close = buf.indexOf(q === QUOT ? '"' : "'", i + 1);
    if (close < 0 || close >= end) throw new StreamFailure('not-well-formed', `attribute ${name} is not closed`);
    for (let k = 0; k < out.length; k += 2) if (out[k] === name) throw new StreamFailure('not-well-formed', `attribute ${name} given twice`);
    out.push(name, decodeOrFail(() => decodeAttr(buf, i + 1, close)));
    i = close + 1;
  }
}

function checkQName(qname: string, what: string): void {
  const colon = qname.indexOf(':');
  const ok = colon < 0 ? isNcName(qname) : isNcName(qname.slice(0, colon)) && isNcName(qname.slice(colon + 1));
  if (!ok) throw new StreamFailure('not-well-formed', `invalid ${what} name '${qname.slice(0, 64)}'`);
}

function decodeTextOrFail(buf: string, start: number, end: number): string {
  return decodeOrFail(() => decodeText(buf, start, end));
}

function checkChars(t: string): void {
  decodeOrFail(() => decodeText(t, 0, t.length, true));
}

function decodeOrFail(f: () => string): string {
  try {
    return f();
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new StreamFailure(err.condition, err.message);
    throw err;
  }
}
