// RFC 7395 framing: each WebSocket text message holds exactly one element; `<open/>` and
// `<close/>` in urn:ietf:params:xml:ns:xmpp-framing stand in for the stream header and its end
// tag. Every message is a document of its own, so what the server writes must carry its own
// namespace declarations (RFC 7395 §3.3.3).
import { NS_STREAMS } from '../errors.js';
import { escapeAttr } from '../xml/element.js';
import { StreamParser, type StreamEvent } from '../xml/stream-parser.js';
import type { StreamFraming } from './framing.js';
import { NS_CLIENT } from './features.js';

export const NS_FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';

// Each message is parsed inside a synthetic stream so the one StreamParser (with its XML
// restrictions and size limit) serves both transports. Stanzas without xmlns get jabber:client.
const WRAP_OPEN = `<stream:stream xmlns='${NS_CLIENT}' xmlns:stream='${NS_STREAMS}'>`;
const WRAP_CLOSE = '</stream:stream>';

export class WsFraming implements StreamFraming {
  private expectOpen = true;

  constructor(private readonly maxStanzaSize: number) {}

  /** A string is a text message; a Buffer is a binary message, which RFC 7395 §3.2 does not allow. */
  feed(chunk: Buffer | string): StreamEvent[] {
    if (typeof chunk !== 'string') return [fail('bad-format', 'XMPP over WebSocket uses text messages only')];
    const events = new StreamParser({ maxStanzaSize: this.maxStanzaSize }).feed(WRAP_OPEN + chunk + WRAP_CLOSE);
    const inner = events.slice(1);
    const error = inner.find((e) => e.type === 'error');
    if (error) return [error];
    const first = inner[0];
    if (inner.length !== 2 || first?.type !== 'stanza' || inner[1]!.type !== 'close') {
      return [fail('bad-format', 'each WebSocket message must hold exactly one XML element')];
    }
    const el = first.element;
    const isFraming = el.xmlns === NS_FRAMING;
    if (this.expectOpen) {
      if (isFraming && el.name === 'open') {
        this.expectOpen = false;
        const attrs: Record<string, string> = { ...el.attrs };
        delete attrs.xmlns;
        return [{ type: 'open', attrs, contentNs: NS_CLIENT }];
      }
      if (el.name === 'open' || el.name === 'stream') return [fail('invalid-namespace', `the stream opens with <open xmlns='${NS_FRAMING}'/>`)];
      return [fail('bad-format', 'the first message must be <open/>')];
    }
    if (isFraming && el.name === 'close') return [{ type: 'close' }];
    if (isFraming) return [fail('bad-format', `<${el.name}/> is not expected here`)];
    return [first];
  }

  reset(): void {
    this.expectOpen = true;
  }

  header(domain: string, id: string, to?: string): string {
    const attrs: Record<string, string | undefined> = { xmlns: NS_FRAMING, id, from: domain, to, version: '1.0', 'xml:lang': 'en' };
    return `<open${attrString(attrs)}/>`;
  }

  closing(): string {
    return `<close xmlns='${NS_FRAMING}'/>`;
  }
}

// A start tag: name, then attributes with quoted values (which may hold '>').
const START_TAG = /^<([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:'[^']*'|"[^"]*"))*)\s*(\/?)>/;

/**
 * Makes one serialized top-level element stand alone: `stream:` elements declare their prefix,
 * and stanzas declare jabber:client (over TCP both come from the stream header).
 */
export function standalone(xml: string): string {
  const m = START_TAG.exec(xml);
  if (!m) return xml;
  const [, name, attrs] = m;
  let add = '';
  if (name!.startsWith('stream:') && !/\sxmlns:stream\s*=/.test(attrs!)) add = ` xmlns:stream='${NS_STREAMS}'`;
  else if ((name === 'message' || name === 'presence' || name === 'iq') && !/\sxmlns\s*=/.test(attrs!)) add = ` xmlns='${NS_CLIENT}'`;
  if (!add) return xml;
  const at = 1 + name!.length;
  return xml.slice(0, at) + add + xml.slice(at);
}

function attrString(attrs: Record<string, string | undefined>): string {
  return Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}='${escapeAttr(v!)}'`).join('');
}

function fail(condition: 'bad-format' | 'invalid-namespace', text: string): StreamEvent {
  return { type: 'error', condition, text };
}
