// One external component connection (XEP-0114, 'jabber:component:accept'): the component opens
// a stream to its domain, proves the shared secret with <handshake/>, and from then on the
// server routes every stanza for that domain to it and every stanza it sends into the server.
// The component is trusted for its own domain only: a stanza from any other address, or with no
// 'to', ends the stream (XEP-0114 §3 leaves the addressing to RFC 6120 §4.9.3).
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { NS_STREAMS, streamError, type StreamErrorCondition } from '../errors.js';
import { parseJid, prepDomain } from '../jid.js';
import type { C2sLogger } from '../stream/types.js';
import { Transport } from '../stream/transport.js';
import { closeTag, openTag, x, XML_DECLARATION, type XmlElement } from '../xml/element.js';
import { StreamParser } from '../xml/stream-parser.js';
import { componentAddressingError, handshakeMatches, NS_COMPONENT } from './handshake.js';

const STANZAS = new Set(['message', 'presence', 'iq']);

/** What a component stream needs from the server. */
export interface ComponentHost {
  /** The shared secret of a configured component domain, or undefined. */
  secretOf(domain: string): string | undefined;
  /** The component authenticated: its domain is now served by `stream`; false when another holds it. */
  attach(domain: string, stream: ComponentStream): boolean;
  /** The stream ended: the domain has no component any more. */
  detach(domain: string, stream: ComponentStream): void;
  /** A stanza from the component, for the server to route. */
  route(el: XmlElement): void;
}

export interface ComponentStreamOptions {
  host: ComponentHost;
  logger: C2sLogger;
  maxStanzaSize: number;
  /** Connect-to-handshake deadline in ms. */
  negotiationTimeoutMs?: number;
}

export class ComponentStream {
  private readonly id = randomBytes(8).toString('hex');
  private readonly parser: StreamParser;
  private readonly transport: Transport;
  private domain = '';
  private state: 'header' | 'handshake' | 'ready' | 'closed' = 'header';
  private headerSent = false;
  private readonly timer: NodeJS.Timeout;

  constructor(socket: Duplex, private readonly opts: ComponentStreamOptions) {
    this.parser = new StreamParser({ maxStanzaSize: opts.maxStanzaSize });
    this.transport = new Transport(socket, false, {
      data: (chunk) => this.onData(chunk),
      gone: () => this.finish(),
      overflow: () => this.close('policy-violation', 'too much unread data queued'),
    }, 16 * 1024 * 1024);
    this.timer = setTimeout(() => this.close('connection-timeout', 'no handshake in time'), opts.negotiationTimeoutMs ?? 30_000);
    this.timer.unref();
  }

  /** A stanza for the component's domain. */
  send(el: XmlElement): boolean {
    if (this.state !== 'ready') return false;
    // Stanzas built for client streams may name jabber:client; here the stream's default applies.
    return this.transport.write((el.attrs.xmlns === 'jabber:client' ? el.withAttrs({ xmlns: undefined }) : el).toString());
  }

  close(condition?: StreamErrorCondition, text?: string): void {
    if (this.state === 'closed') return;
    if (condition) {
      this.opts.logger.debug({ component: this.domain, condition, text }, 'xmpp: closing component stream with error');
      if (!this.headerSent) this.sendHeader();
      this.transport.write(streamError(condition, text).toString());
    }
    if (this.headerSent) this.transport.write(closeTag('stream:stream'));
    this.transport.end();
    this.finish();
  }

  private finish(): void {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    clearTimeout(this.timer);
    if (wasReady) this.opts.host.detach(this.domain, this);
  }

  private sendHeader(): void {
    this.headerSent = true;
    this.transport.write(XML_DECLARATION + openTag('stream:stream', {
      'xmlns:stream': NS_STREAMS, xmlns: NS_COMPONENT, from: this.domain || undefined, id: this.id,
    }));
  }

  private onData(chunk: Buffer | string): void {
    for (const ev of this.parser.feed(chunk)) {
      if (this.state === 'closed') return;
      switch (ev.type) {
        case 'open': this.onOpen(ev.attrs, ev.contentNs); break;
        case 'stanza': this.onElement(ev.element); break;
        case 'close': this.close(); break;
        case 'error': this.close(ev.condition, ev.text); break;
      }
    }
  }

  private onOpen(attrs: Record<string, string>, contentNs: string): void {
    if (this.state !== 'header') return this.close('bad-format', 'the stream was opened twice');
    const domain = attrs.to === undefined ? null : prepDomain(attrs.to);
    this.domain = domain ?? '';
    this.sendHeader();
    if (contentNs !== NS_COMPONENT) return this.close('invalid-namespace', `content namespace must be ${NS_COMPONENT}`);
    if (!domain || this.opts.host.secretOf(domain) === undefined) return this.close('host-unknown', 'no component is configured for that domain');
    this.state = 'handshake';
  }

  private onElement(el: XmlElement): void {
    if (this.state === 'handshake') return this.onHandshake(el);
    if (el.name === 'handshake') return this.close('not-authorized', 'already authenticated');
    if (!STANZAS.has(el.name)) return this.close('unsupported-stanza-type', `<${el.name}/> is not a stanza`);
    const problem = componentAddressingError(this.domain, parseJid(el.attr('from')), el.attr('from'), el.attr('to'));
    if (problem) return this.close(problem.condition, problem.text);
    try {
      this.opts.host.route(el.attrs.xmlns === NS_COMPONENT ? el.withAttrs({ xmlns: undefined }) : el);
    } catch (err) {
      this.opts.logger.warn({ err, component: this.domain }, 'xmpp: routing a component stanza failed');
    }
  }

  private onHandshake(el: XmlElement): void {
    if (el.name !== 'handshake') return this.close('not-authorized', 'the handshake comes first (XEP-0114 §3)');
    if (!handshakeMatches(this.id, this.opts.host.secretOf(this.domain) ?? '', el.text())) return this.close('not-authorized', 'wrong handshake');
    if (!this.opts.host.attach(this.domain, this)) return this.close('conflict', 'another component is connected for this domain');
    clearTimeout(this.timer);
    this.state = 'ready';
    this.transport.write(x('handshake').toString());
    this.opts.logger.info({ component: this.domain }, 'xmpp: component connected');
  }
}
