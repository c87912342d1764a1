// Streaming parser for one XMPP stream (RFC 6120 §4): bytes in, events out. It enforces the XML
// restrictions of RFC 6120 §11.1 (no DTD, no entity other than the five predefined and character
// references, no comment, no processing instruction) and a per-stanza size limit counted while
// the bytes arrive, so a peer cannot make the server buffer an unbounded element.
//
// `feed()` returns the events a chunk produced, in order. The consumer stops reading the list when
// an event makes it restart the stream (after STARTTLS or SASL): whatever followed in the same
// chunk is discarded, which is what RFC 6120 §5.4.3.3 requires after STARTTLS.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { XmlElement, type XmlNode } from './element.js';
import { NS_STREAMS, type StreamErrorCondition } from '../errors.js';
import { ByteCounter } from './byte-counter.js';

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
// Input is handed to saxes in slices so that the size limit is checked often inside large chunks.
const SLICE_CHARS = 8192;
const WHITESPACE_ONLY = /^[ \t\r\n]*$/;

/** Thrown inside saxes callbacks to abandon the current write at once. */
class Abort extends Error {}

interface Frame {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  ns: string;
}

export class StreamParser {
  private readonly maxBytes: number;
  private sax!: SaxesParser<{ xmlns: true }>;
  private decoder!: TextDecoder;
  private counter!: ByteCounter;
  private stack: Frame[] = [];
  private depth = 0;
  private contentNs = '';
  private events: StreamEvent[] = [];
  private done = false;
  // Byte offset where the current top-level unit began (after the stream header or the previous
  // stanza); everything from there counts against the limit, including inter-stanza whitespace.
  private unitStart = 0;
  // True when nothing but whitespace has arrived since the last stanza ended: a whitespace-only
  // chunk then is a keepalive (RFC 6120 §4.6.1) and is dropped without reaching saxes.
  private idle = false;
  // Parser position of the last stanza boundary, to tell what followed it in the same slice.
  private boundaryPos = -1;
  // saxes reports a close tag before checking that its name matches the open tag, so a finished
  // stanza is held until the parser moves on without complaining about it.
  private pending: XmlElement | null = null;

  constructor(opts: StreamParserOptions = {}) {
    this.maxBytes = opts.maxStanzaSize ?? DEFAULT_MAX_STANZA_SIZE;
    this.reset();
  }

  /** Starts over for a new stream on the same connection (stream restart). */
  reset(): void {
    this.sax = new SaxesParser({ xmlns: true, position: true });
    this.decoder = new TextDecoder('utf-8', { fatal: true });
    this.counter = new ByteCounter();
    this.stack = [];
    this.depth = 0;
    this.contentNs = '';
    this.events = [];
    this.done = false;
    this.unitStart = 0;
    this.idle = false;
    this.boundaryPos = -1;
    this.pending = null;
    this.attachHandlers();
  }

  /** True once the stream ended or failed; later input is ignored. */
  get finished(): boolean {
    return this.done;
  }

  feed(chunk: Buffer | string): StreamEvent[] {
    if (this.done) return [];
    this.events = [];
    const text = this.decode(chunk);
    if (text === null) return this.events;
    if (this.idle && this.depth === 1 && WHITESPACE_ONLY.test(text)) {
      this.counter.skip(text);
      this.unitStart = this.counter.total;
      return [];
    }
    for (let i = 0; i < text.length && !this.done; i += SLICE_CHARS) this.write(text.slice(i, i + SLICE_CHARS));
    return this.events;
  }

  private decode(chunk: Buffer | string): string | null {
    if (typeof chunk === 'string') return chunk;
    try {
      return this.decoder.decode(chunk, { stream: true });
    } catch {
      this.fail('not-well-formed', 'invalid UTF-8');
      return null;
    }
  }

  private write(slice: string): void {
    this.counter.begin(slice);
    try {
      this.sax.write(slice);
    } catch (err) {
      if (!(err instanceof Abort)) this.fail('not-well-formed', String((err as Error).message ?? err));
      return;
    }
    if (this.done) return;
    this.commit();
    if (this.idle) this.idle = WHITESPACE_ONLY.test(this.counter.restFrom(Math.max(this.boundaryPos, this.counter.sliceStart)));
    this.oversized(this.counter.total);
  }

  /** Fails the stream when the current unit has grown past the limit. */
  private oversized(at: number): boolean {
    if (at - this.unitStart <= this.maxBytes) return false;
    this.fail('policy-violation', `stanza larger than ${this.maxBytes} bytes`);
    return true;
  }

  /** The same check inside saxes callbacks, where failing must also stop saxes. */
  private checkSize(at: number): void {
    if (this.oversized(at)) throw new Abort();
  }

  private fail(condition: StreamErrorCondition, text: string): void {
    if (this.done) return;
    this.commit();
    this.done = true;
    this.events.push({ type: 'error', condition, text });
  }

  /** Fails and stops saxes at once (used inside its callbacks). */
  private abort(condition: StreamErrorCondition, text: string): never {
    this.fail(condition, text);
    throw new Abort();
  }

  private attachHandlers(): void {
    const sax = this.sax;
    sax.on('error', (err) => {
      // The stanza whose end tag did not match its start tag must not be emitted.
      if (/unexpected close tag|unmatched closing tag/.test(err.message)) this.pending = null;
      this.abort(...classifySaxError(err.message));
    });
    sax.on('doctype', () => this.abort('restricted-xml', 'DTDs are not allowed'));
    sax.on('processinginstruction', () => this.abort('restricted-xml', 'processing instructions are not allowed'));
    sax.on('comment', () => this.abort('restricted-xml', 'comments are not allowed'));
    sax.on('xmldecl', (decl) => {
      if (decl.encoding && decl.encoding.toLowerCase() !== 'utf-8') this.abort('unsupported-encoding', 'only UTF-8 is supported');
    });
    sax.on('opentag', (tag) => this.onOpen(tag));
    sax.on('closetag', () => this.onClose());
    sax.on('text', (t) => this.onText(t));
    sax.on('cdata', (t) => this.onText(t));
  }

  private onOpen(tag: SaxesTagNS): void {
    this.commit();
    if (this.depth === 0) return this.onStreamOpen(tag);
    this.checkSize(this.counter.at(this.sax.position));
    const parentNs = this.depth === 1 ? this.contentNs : this.stack[this.stack.length - 1]!.ns;
    this.stack.push({ name: tag.local, attrs: elementAttrs(tag, parentNs), children: [], ns: tag.uri });
    this.depth++;
    this.idle = false;
  }

  private onStreamOpen(tag: SaxesTagNS): void {
    this.checkSize(this.counter.at(this.sax.position));
    if (tag.uri !== NS_STREAMS) this.abort('invalid-namespace', `stream namespace must be ${NS_STREAMS}`);
    if (tag.local !== 'stream') this.abort('bad-format', 'the root element must be <stream>');
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) attrs[a.name] = a.value;
    this.contentNs = tag.ns[''] ?? '';
    this.depth = 1;
    this.markBoundary();
    this.events.push({ type: 'open', attrs, contentNs: this.contentNs });
  }

  private onClose(): void {
    this.commit();
    if (this.depth === 1) {
      this.done = true;
      this.events.push({ type: 'close' });
      throw new Abort();
    }
    const frame = this.stack.pop()!;
    this.depth--;
    const el = new XmlElement(frame.name, frame.attrs, frame.children, frame.ns);
    if (this.depth > 1) {
      this.stack[this.stack.length - 1]!.children.push(el);
      return;
    }
    this.checkSize(this.counter.at(this.sax.position));
    this.markBoundary();
    this.commit();
    this.pending = el;
  }

  /** Emits the held stanza: the parser went on past its end tag without an error. */
  private commit(): void {
    if (this.pending) this.events.push({ type: 'stanza', element: this.pending });
    this.pending = null;
  }

  private onText(t: string): void {
    this.commit();
    if (this.depth >= 2) {
      const children = this.stack[this.stack.length - 1]!.children;
      const last = children.length - 1;
      if (last >= 0 && typeof children[last] === 'string') children[last] = (children[last] as string) + t;
      else children.push(t);
    } else if (this.depth === 1 && !WHITESPACE_ONLY.test(t)) {
      this.abort('bad-format', 'character data is not allowed between stanzas');
    }
  }

  private markBoundary(): void {
    this.boundaryPos = this.sax.position;
    this.unitStart = this.counter.at(this.boundaryPos);
    this.idle = true;
  }
}

/**
 * Attributes as they will be serialized again: namespace declarations are rebuilt so that the
 * element can be written on its own (without its ancestors) and mean the same thing.
 */
function elementAttrs(tag: SaxesTagNS, parentNs: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (tag.uri !== parentNs) attrs.xmlns = tag.uri;
  for (const a of Object.values(tag.attributes)) {
    if (a.name === 'xmlns' || a.prefix === 'xmlns') continue;
    attrs[a.name] = a.value;
    if (a.prefix && a.prefix !== 'xml') attrs['xmlns:' + a.prefix] = a.uri;
  }
  return attrs;
}

/** Maps a saxes well-formedness message to the stream error RFC 6120 wants for it. */
export function classifySaxError(message: string): [StreamErrorCondition, string] {
  const m = message.replace(/^.*?:\d+:\d+: /, '');
  if (/entity/.test(m) && !/character entity/.test(m)) return ['restricted-xml', 'entity references are not allowed'];
  if (/doctype|comment|processing instruction/i.test(m)) return ['restricted-xml', m];
  if (/unbound namespace prefix/.test(m)) return ['bad-namespace-prefix', m];
  return ['not-well-formed', m];
}
