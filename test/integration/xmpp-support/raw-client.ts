// A raw XMPP client for protocol tests: writes exactly the bytes a test gives it and reads the
// server's answers as elements, so malformed input and error paths can be scripted.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { x, type XmlElement } from '../../../src/xmpp/xml/element.js';
import { StreamParser, type StreamEvent } from '../../../src/xmpp/xml/stream-parser.js';
import { ScramClient } from './scram-client.js';
import { DOMAIN } from './harness.js';

const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';

export function header(to = DOMAIN, extra = ''): string {
  return `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${to}' version='1.0'${extra}>`;
}

export class RawClient {
  private readonly parser = new StreamParser({ maxStanzaSize: 10 * 1024 * 1024 });
  private readonly queue: StreamEvent[] = [];
  private waiter: (() => void) | null = null;
  private socketClosed = false;
  jid = '';

  private constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  static connect(port: number, directTls = false): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = directTls
        ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['xmpp-client'], servername: DOMAIN })
        : tcpConnect(port, '127.0.0.1');
      s.once(directTls ? 'secureConnect' : 'connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  get tlsSocket(): TLSSocket {
    return this.socket as TLSSocket;
  }

  private attach(s: Socket | TLSSocket): void {
    s.on('data', (chunk: Buffer) => {
      this.queue.push(...this.parser.feed(chunk));
      this.wake();
    });
    s.on('close', () => {
      this.socketClosed = true;
      this.wake();
    });
    s.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Next event from the server (open, element, close, or socket closed). */
  async nextEvent(timeoutMs = 3000): Promise<StreamEvent | { type: 'socket-closed' }> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.socketClosed) return { type: 'socket-closed' };
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the server');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => { clearTimeout(t); resolve(); };
      });
    }
    return this.queue.shift()!;
  }

  /** Next top-level element; fails on anything else. */
  async next(timeoutMs?: number): Promise<XmlElement> {
    const ev = await this.nextEvent(timeoutMs);
    if (ev.type !== 'stanza') throw new Error(`expected an element, got ${JSON.stringify(ev)}`);
    return ev.element;
  }

  /** Skips elements until one matches. */
  async until(pred: (el: XmlElement) => boolean, timeoutMs?: number): Promise<XmlElement> {
    for (;;) {
      const el = await this.next(timeoutMs);
      if (pred(el)) return el;
    }
  }

  /** Reads to the end of the stream; returns the stream error condition, if any, and whether the server closed properly. */
  async streamEnd(timeoutMs = 3000): Promise<{ condition?: string; closedTag: boolean }> {
    let condition: string | undefined;
    for (;;) {
      const ev = await this.nextEvent(timeoutMs);
      if (ev.type === 'stanza' && ev.element.name === 'error') condition = ev.element.elements()[0]?.name;
      if (ev.type === 'close') return { condition, closedTag: true };
      if (ev.type === 'socket-closed') return { condition, closedTag: false };
    }
  }

  /** Sends a stream header (restarting our parser) and returns the features. */
  async open(to = DOMAIN): Promise<XmlElement> {
    this.parser.reset();
    this.send(header(to));
    const ev = await this.nextEvent();
    if (ev.type !== 'open') throw new Error(`expected stream header, got ${JSON.stringify(ev)}`);
    return this.next();
  }

  /** `injected` is written in the same packet after <starttls/> (a plaintext injection attempt). */
  async startTls(injected = ''): Promise<void> {
    this.send(x('starttls', { xmlns: NS_TLS }).toString() + injected);
    const proceed = await this.next();
    if (proceed.name !== 'proceed') throw new Error(`STARTTLS refused: ${proceed}`);
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    this.socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain, rejectUnauthorized: false, servername: DOMAIN }, () => resolve(s));
      s.once('error', reject);
    });
    this.attach(this.socket);
  }

  /** SCRAM-SHA-256 (or SHA-1); returns the server's final element (success or failure). */
  async scram(username: string, password: string, hash: 'sha1' | 'sha256' = 'sha256'): Promise<XmlElement> {
    const mech = hash === 'sha256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-1';
    const c = new ScramClient(hash, username, password);
    this.send(x('auth', { xmlns: NS_SASL, mechanism: mech }, b64(c.first())).toString());
    const challenge = await this.next();
    if (challenge.name !== 'challenge') return challenge;
    this.send(x('response', { xmlns: NS_SASL }, b64(c.final(unb64(challenge.text())))).toString());
    const outcome = await this.next();
    if (outcome.name === 'success' && !c.verify(unb64(outcome.text()))) throw new Error('server signature did not verify');
    return outcome;
  }

  async bind(resource?: string): Promise<string> {
    this.send(x('iq', { type: 'set', id: 'bind1' }, x('bind', { xmlns: NS_BIND }, resource ? x('resource', null, resource) : null)).toString());
    const res = await this.next();
    const jid = res.getChild('bind', NS_BIND)?.getChildText('jid');
    if (!jid) throw new Error(`bind failed: ${res}`);
    this.jid = jid;
    return jid;
  }

  /** STARTTLS, SCRAM-SHA-256, restart, bind. */
  async login(username: string, password: string, resource?: string): Promise<string> {
    await this.open();
    await this.startTls();
    await this.open();
    const outcome = await this.scram(username, password);
    if (outcome.name !== 'success') throw new Error(`login failed: ${outcome}`);
    await this.open();
    return this.bind(resource);
  }

  /** Drops the TCP connection without closing the stream. */
  destroy(): void {
    this.socket.destroy();
  }

  end(): void {
    this.send('</stream:stream>');
    this.socket.end();
  }
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

function unb64(s: string): string {
  return Buffer.from(s, 'base64').toString();
}
