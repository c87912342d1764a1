// One client-to-server stream (RFC 6120), from TCP connect to close: header and features,
// STARTTLS, SASL, restarts, resource binding, then stanzas handed to the session host with their
// `from` stamped. Any bad input ends in a stream error for this connection only.
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { stanzaError, streamError, type StreamErrorCondition } from '../errors.js';
import { parseJid, prepDomain } from '../jid.js';
import { x, type XmlElement } from '../xml/element.js';
import type { StreamEvent } from '../xml/stream-parser.js';
import { bind, isBindRequest, isSessionRequest, sessionResult } from './bind.js';
import { isFramedConnection, type FramedConnection, type StreamTransport } from './connection.js';
import { NS_CLIENT, NS_SASL, NS_TLS, streamFeatures, supportsVersion1 } from './features.js';
import { TcpFraming, type StreamFraming } from './framing.js';
import { SaslNegotiation } from './sasl-negotiation.js';
import { Transport } from './transport.js';
import type { C2sSessionHost, C2sStreamOptions } from './types.js';
import type { OfferOptions } from '../sasl/mechanisms.js';
import type { SmStream } from '../modules/xep-0198-sm/stream-sm.js';
import { NS_SM } from '../modules/xep-0198-sm/elements.js';
import { NS_CSI } from '../modules/xep-0352-csi.js';
import { StanzaOutput } from './stanza-output.js';
import { onSmNonza, SM_HIBERNATING, SM_UNACKED, type StreamManagement } from '../modules/xep-0198-sm/stream-sm.js';
import { NS_SASL2 } from '../sasl2/elements.js';
import { Sasl2Negotiation } from '../sasl2/negotiation.js';
import { completeSasl2, type Sasl2Stream } from './sasl2-inline.js';
import { sasl2InlineFeatures } from './sasl2-features.js';
import { FastTokens } from '../modules/xep-0484-fast/tokens.js';
import { fastMechanisms, fastSuccess } from '../modules/xep-0484-fast/sasl2.js';

const STANZA_NAMES = new Set(['message', 'presence', 'iq']);

export class C2sStream implements Sasl2Stream {
  readonly data = new Map<string, unknown>();
  readonly id = randomBytes(12).toString('base64url');
  private transport: StreamTransport;
  private parser: StreamFraming;
  private readonly sasl: SaslNegotiation;
  private readonly sasl2: Sasl2Negotiation;
  private readonly fast: FastTokens | null;
  private headerSent = false;
  private closed = false;
  private user = '';
  private boundResource = '';
  private negotiationTimer: NodeJS.Timeout | undefined;
  // Stanza output with XEP-0198/0352; for resumption, the session this connection now serves,
  // async work of the stanza in hand, and 'gone' notices due from connections replaced.
  private readonly out = new StanzaOutput(() => this.transport);
  private hibernateTimer: NodeJS.Timeout | undefined;
  private forwardTo: C2sStream | null = null;
  private held: Promise<unknown>[] | null = null;
  private staleGones = 0;

  /** `socket`: a TCP/TLS socket, or a connection with its own framing (WebSocket). */
  constructor(socket: Duplex | FramedConnection, private readonly opts: C2sStreamOptions) {
    this.parser = isFramedConnection(socket) ? socket.framing : new TcpFraming(opts.maxStanzaSize);
    const saslContext = { domain: opts.domain, credential: (u: string, h: 'sha1' | 'sha256') => opts.auth.scramCredential(u, h), disabled: (u: string) => opts.auth.disabled?.(u) ?? false };
    this.sasl = new SaslNegotiation(
      saslContext,
      opts.maxAuthFailures ?? 3,
    );
    this.fast = opts.auth.fastTokens ? new FastTokens(opts.auth.fastTokens) : null;
    this.sasl2 = new Sasl2Negotiation(saslContext,
      opts.maxAuthFailures ?? 3, this.fast ? fastMechanisms(this.fast) : undefined);
    const handlers = {
      data: (chunk: Buffer | string) => this.onData(chunk),
      gone: (reason: string) => this.onGone(reason),
      overflow: () => this.close('policy-violation', 'too much unread data queued'),
    };
    this.transport = isFramedConnection(socket) ? socket.attach(handlers)
      : new Transport(socket, opts.directTls, handlers, opts.maxWriteBuffer ?? 4 * 1024 * 1024);
    this.negotiationTimer = setTimeout(() => this.close('connection-timeout', 'negotiation took too long'),
      opts.negotiationTimeoutMs ?? 60_000);
    this.negotiationTimer.unref();
  }

  get username(): string { return this.user; }
  get resource(): string { return this.boundResource; }
  get bareJid(): string { return this.user ? `${this.user}@${this.opts.domain}` : ''; }
  get jid(): string { return this.boundResource ? `${this.bareJid}/${this.boundResource}` : ''; }
  get isTls(): boolean { return this.transport.isTls; }
  get isClosed(): boolean { return this.closed; }

  get owner(): unknown { return this.opts.host; }
  get host(): C2sSessionHost { return this.opts.host; }

  get sm(): StreamManagement | null { return this.out.sm; }
  set sm(sm: StreamManagement | null) { this.out.sm = sm; }

  send(el: XmlElement | string): boolean {
    return !this.closed && this.out.send(el);
  }

  hold(work: Promise<unknown>): void {
    this.held?.push(work);
  }

  // ---- XEP-0198 hooks (the protocol logic is in modules/xep-0198-sm) ----
  writeNonza(el: XmlElement): void {
    if (!this.closed) this.out.nonza(el);
  }

  endWithError(el: XmlElement): void {
    if (this.closed) return;
    this.transport.write(el.toString());
    this.close();
  }

  handOverTo(old: SmStream): void {
    const target = old as C2sStream;
    target.adopt(this);
    this.forwardTo = target; // what else arrives on this connection is the resumed stream's
    this.closed = true;
    clearTimeout(this.negotiationTimer);
  }

  wake(after: XmlElement | string): void {
    // False when the new connection dropped before <resumed/> could go out.
    if (!this.closed && this.out.wake(after)) this.data.delete(SM_HIBERNATING);
  }

  /** The session goes on over `from`'s connection; its own, if still open, gets <conflict/> (§5). */
  private adopt(from: C2sStream): void {
    clearTimeout(this.hibernateTimer);
    if (!this.out.hibernating) {
      this.transport.write(streamError('conflict', 'the session was resumed on another connection').toString() + this.parser.closing());
      this.staleGones++;
      this.transport.destroy();
    }
    this.transport = from.transport;
    this.parser = from.parser;
    this.headerSent = true;
    this.out.hibernating = true; // until <resumed/> is out, stanzas for the client only queue
    this.out.resuming = true;
  }

  close(condition?: StreamErrorCondition, text?: string): void {
    // A connection handed to a resumed session (e.g. its write buffer overflowing) ends that session's stream.
    if (this.forwardTo) return this.forwardTo.close(condition, text);
    if (this.closed) return;
    if (condition) {
      this.opts.logger.debug({ stream: this.id, jid: this.jid, condition, text }, 'closing stream with error');
      if (!this.headerSent) this.sendHeader();
      this.transport.write(streamError(condition, text).toString());
    }
    // RFC 6120 §4.4: our closing tag, then the TCP connection is ended.
    if (this.headerSent) this.transport.write(this.parser.closing());
    this.closed = true;
    this.transport.end();
    this.finish();
  }

  private onGone(reason: string): void {
    if (this.forwardTo) return this.forwardTo.onGone(reason);
    if (this.staleGones > 0) { this.staleGones--; return; }
    if (this.closed || (this.out.hibernating && !this.out.resuming)) return;
    this.out.resuming = false;
    this.opts.logger.debug({ stream: this.id, jid: this.jid, reason }, 'connection gone');
    if (this.sm?.id && this.boundResource) {
      // XEP-0198 §5: the session stays (available) until the client resumes or time runs out.
      this.out.hibernating = true;
      this.data.set(SM_HIBERNATING, true); // for modules: XEP-0357 push wakes such a session's client
      this.hibernateTimer = setTimeout(() => this.close(), this.sm.maxSeconds * 1000);
      this.hibernateTimer.unref();
      return;
    }
    this.closed = true;
    this.finish();
  }

  /** Runs once whichever way the stream ended. */
  private finish(): void {
    clearTimeout(this.negotiationTimer);
    clearTimeout(this.hibernateTimer);
    if (this.sm) {
      this.sm.forget();
      // What the client never acknowledged is left for the modules (offline delivery) on close.
      this.data.set(SM_UNACKED, this.sm.counters.drain());
    }
    if (!this.boundResource) return;
    try {
      this.opts.host.closed(this);
    } catch (err) {
      this.opts.logger.warn({ err, jid: this.jid }, 'session host failed on close');
    }
  }

  private onData(chunk: Buffer | string): void {
    try {
      for (const ev of this.parser.feed(chunk)) {
        if (this.forwardTo) { this.forwardTo.handle(ev); continue; }
        if (this.closed) return;
        // After a restart the rest of this chunk belongs to no stream and is dropped (RFC 6120 §5.4.3.3).
        if (this.handle(ev) === 'restart') return;
      }
    } catch (err) {
      // A bug or a failing backend must cost this connection only, never the process.
      this.opts.logger.warn({ err, stream: this.id, jid: this.jid }, 'xmpp: stream failed');
      this.close('internal-server-error');
    }
  }

  private handle(ev: StreamEvent): 'restart' | void {
    switch (ev.type) {
      case 'open': return this.onOpen(ev.attrs, ev.contentNs);
      case 'stanza': return this.onElement(ev.element);
      case 'close': return this.close();
      case 'error': return this.close(ev.condition, ev.text);
    }
  }

  private onOpen(attrs: Record<string, string>, contentNs: string): void {
    // RFC 6120 §4.7.2: answer to the 'from' the client announced, when it is a JID at all.
    this.sendHeader(parseJid(attrs.from)?.toString());
    if (contentNs !== NS_CLIENT) return this.close('invalid-namespace', `content namespace must be ${NS_CLIENT}`);
    if (attrs.to !== undefined && prepDomain(attrs.to) !== this.opts.domain) return this.close('host-unknown', 'this server does not serve that domain');
    if (!supportsVersion1(attrs.version)) return this.close('unsupported-version', 'XMPP 1.0 streams only');
    this.send(this.features());
  }

  private features(after?: { bound: boolean; smEnabled: boolean }): XmlElement {
    const channelBindings = this.transport.channelBindings?.();
    return streamFeatures({
      isTls: this.isTls,
      canStartTls: !!this.opts.secureContext,
      allowInsecureAuth: this.opts.allowInsecureAuth,
      authenticated: this.user !== '',
      maxBytes: this.opts.maxStanzaSize,
      channelBindings,
      extra: this.user ? this.opts.host.streamFeatures?.() : undefined,
      preAuth: this.user ? undefined : this.opts.host.preAuthFeatures?.(),
      // FAST tokens replay like passwords: only where PLAIN would be allowed (XEP-0484 §Security).
      sasl2Inline: this.user ? undefined : sasl2InlineFeatures(this.opts.host, !!this.fast && (this.isTls || this.opts.allowInsecureAuth), channelBindings),
      ...after,
    });
  }

  // ---- SASL2 inline hooks (the processing is in sasl2-inline.ts) ----
  featuresAfterAuth(state: { bound: boolean; smEnabled: boolean }): XmlElement {
    return this.features(state);
  }

  bindResource(resource: string): string | 'conflict' {
    const granted = this.opts.host.bind(this, resource);
    if (granted !== 'conflict') {
      this.boundResource = granted;
      clearTimeout(this.negotiationTimer);
    }
    return granted;
  }

  clientState(el: XmlElement): void {
    this.out.clientState(el);
  }

  private sendHeader(to?: string): void {
    this.headerSent = true;
    this.transport.write(this.parser.header(this.opts.domain, this.id, to));
  }

  private onElement(el: XmlElement): 'restart' | void {
    // XEP-0388: while a SASL2 exchange runs, anything but its own elements ends the stream.
    if (this.sasl2.inProgress && el.xmlns !== NS_SASL2) return this.close('policy-violation', 'only <response/> or <abort/> during SASL2 authentication');
    if (el.xmlns === NS_SASL2) return this.onSasl2(el);
    if (el.xmlns === NS_SM && this.user) return onSmNonza(this, el);
    if (el.xmlns === NS_CSI && this.boundResource) return this.out.clientState(el);
    if (this.boundResource) return this.onStanza(el);
    if (this.user) return this.onPreBind(el);
    if (el.xmlns === NS_TLS && el.name === 'starttls') return this.onStartTls();
    if (el.xmlns === NS_SASL) return this.onSasl(el);
    // XEP-0077 §3: in-band registration is the one iq a client may send before authenticating.
    if (el.name === 'iq' && this.opts.host.preAuthIq?.(el, { secure: this.isTls || this.opts.allowInsecureAuth, data: this.data, send: (r) => { this.send(r); } })) return;
    this.close('not-authorized', 'authenticate first');
  }

  private onStartTls(): 'restart' | void {
    const ctx = this.opts.secureContext;
    if (this.isTls || !ctx) {
      this.send(x('failure', { xmlns: NS_TLS }));
      return this.close();
    }
    this.send(x('proceed', { xmlns: NS_TLS }));
    this.transport.startTls(ctx);
    this.restart();
    return 'restart';
  }

  private onSasl(el: XmlElement): 'restart' | void {
    const outcome = this.sasl.handle(el, this.saslOffer());
    this.send(outcome.reply);
    if (outcome.username) {
      this.user = outcome.username;
      this.opts.logger.debug({ stream: this.id, user: this.user }, 'authenticated');
      this.restart();
      return 'restart';
    }
    // RFC 6120 §6.4.5: past a reasonable number of retries the stream ends.
    if (outcome.tooManyFailures) this.close('policy-violation', 'too many failed authentication attempts');
  }

  private onSasl2(el: XmlElement): void {
    // XEP-0388 §Multiple Authentication: after success another <authenticate/> is a stream error.
    if (this.user) return this.close('policy-violation', 'already authenticated');
    const outcome = this.sasl2.handle(el, this.saslOffer());
    if (outcome.type === 'violation') return this.close('policy-violation', outcome.text);
    if (outcome.type === 'reply') {
      this.send(outcome.reply);
      if (outcome.tooManyFailures) this.close('policy-violation', 'too many failed authentication attempts');
      return;
    }
    this.user = outcome.username;
    this.opts.logger.debug({ stream: this.id, user: this.user, sasl2: true }, 'authenticated');
    const tokens = this.fast ? fastSuccess(this.fast, this.user, outcome.auth, outcome.userAgent, outcome.mechanism) : [];
    completeSasl2(this, { auth: outcome.auth, additionalData: outcome.additionalData, userAgent: outcome.userAgent, extra: tokens });
  }

  private saslOffer(): OfferOptions {
    return { tls: this.isTls, allowPlaintext: this.opts.allowInsecureAuth, channelBindings: this.transport.channelBindings?.() };
  }

  private restart(): void {
    this.parser.reset();
    this.headerSent = false;
  }

  private onPreBind(el: XmlElement): void {
    if (isSessionRequest(el)) {
      this.send(sessionResult(el));
    } else if (isBindRequest(el)) {
      this.onBind(el);
    } else {
      this.close('not-authorized', 'bind a resource first');
    }
  }

  private onBind(iq: XmlElement): void {
    let outcome;
    try {
      outcome = bind(iq, this.bareJid, (resource) => this.opts.host.bind(this, resource));
    } catch (err) {
      this.opts.logger.warn({ err, user: this.user }, 'session host failed on bind');
      this.send(stanzaError(iq, 'cancel', 'internal-server-error'));
      return;
    }
    if (outcome.resource) {
      this.boundResource = outcome.resource;
      clearTimeout(this.negotiationTimer);
    }
    this.send(outcome.reply);
  }

  private onStanza(el: XmlElement): void {
    if (el.xmlns !== NS_CLIENT || !STANZA_NAMES.has(el.name)) {
      return this.close('unsupported-stanza-type', `<${el.name}/> in ${el.xmlns || 'no namespace'} is not supported`);
    }
    if (isSessionRequest(el) && (el.attr('to') === undefined || el.attr('to') === this.opts.domain)) {
      this.sm?.counters.received();
      this.send(sessionResult(el));
      return;
    }
    // RFC 6120 §8.1.2.1: the server stamps the sender's full JID, whatever the client wrote.
    const stamped = el.withAttrs({ from: this.jid });
    this.held = [];
    try {
      this.opts.host.stanza(this, stamped);
    } catch (err) {
      this.opts.logger.warn({ err, jid: this.jid, stanza: el.name }, 'stanza handling failed');
      const type = el.attr('type');
      if (el.name === 'iq' && (type === 'get' || type === 'set')) this.send(stanzaError(stamped, 'cancel', 'internal-server-error'));
    } finally {
      // XEP-0198: handled once its asynchronous part (e.g. the room write) is done.
      const held = this.held ?? [];
      this.held = null;
      this.sm?.counters.received(held.length ? Promise.all(held) : undefined);
    }
  }
}
