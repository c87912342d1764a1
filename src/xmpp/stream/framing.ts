// How a stream's XML is cut into units on the wire. Over TCP (RFC 6120) the stream is one long
// XML document: a `<stream:stream>` header, stanzas, and its closing tag. Over WebSocket
// (RFC 7395) every message is one whole element and the header is `<open/>`. The stream machine
// talks to this interface so that it does not care which one it runs on.
import { closeTag } from '../xml/element.js';
import { StreamParser, type StreamEvent } from '../xml/stream-parser.js';
import { streamHeader } from './features.js';

export interface StreamFraming {
  /** Events from one chunk of input (TCP: any bytes; WebSocket: one message). */
  feed(chunk: Buffer | string): StreamEvent[];
  /** A stream restart (after STARTTLS or SASL): the next unit must open a new stream. */
  reset(): void;
  /** What the server writes to open its side of the stream. */
  header(domain: string, id: string, to?: string): string;
  /** What the server writes to close its side of the stream. */
  closing(): string;
}

export class TcpFraming implements StreamFraming {
  private readonly parser: StreamParser;

  constructor(maxStanzaSize: number) {
    this.parser = new StreamParser({ maxStanzaSize });
  }

  feed(chunk: Buffer | string): StreamEvent[] {
    return this.parser.feed(chunk);
  }

  reset(): void {
    this.parser.reset();
  }

  header(domain: string, id: string, to?: string): string {
    return streamHeader(domain, id, to);
  }

  closing(): string {
    return closeTag('stream:stream');
  }
}
