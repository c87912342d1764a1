// The byte pipe under a stream: writes with a bound on what a slow reader may queue, the STARTTLS
// upgrade of the socket in place, and one "gone" notice however the connection ends.
import type { Duplex } from 'node:stream';
import { TLSSocket, type SecureContext } from 'node:tls';
import { NO_CHANNEL_BINDINGS, tlsChannelBindings, type ChannelBindings } from '../sasl/channel-binding.js';

export interface TransportHandlers {
  /** Bytes from a socket; over WebSocket a string is a text message and a Buffer a binary one. */
  data(chunk: Buffer | string): void;
  /** The connection ended or failed; called once. */
  gone(reason: string): void;
  /** The peer stopped reading and too much is queued. */
  overflow(): void;
}

// After we close our side, how long the peer gets to close its own before the socket is dropped.
const CLOSE_GRACE_MS = 2000;

export class Transport {
  private socket: Duplex;
  private tls: boolean;
  private ended = false;
  private goneCalled = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly onData = (chunk: Buffer) => this.handlers.data(chunk);
  private readonly onError = (err: Error) => this.gone(`socket error: ${err.message}`);
  private readonly onClose = () => this.gone('socket closed');
  private readonly onEnd = () => this.gone('peer ended the connection');
  /** What was written during this turn of the event loop: one socket write for all of it. */
  private pending = '';
  private readonly flush = () => {
    if (this.pending === '') return;
    const data = this.pending;
    this.pending = '';
    if (!this.socket.destroyed) this.socket.write(data);
  };

  constructor(socket: Duplex, isTls: boolean, private readonly handlers: TransportHandlers, private readonly maxWriteBuffer: number) {
    this.socket = socket;
    this.tls = isTls;
    this.attach(socket);
  }

  get isTls(): boolean {
    return this.tls;
  }

  get remoteAddress(): string | undefined {
    return (this.socket as { remoteAddress?: string }).remoteAddress;
  }

  /** SCRAM -PLUS channel bindings of the TLS connection (none before TLS). */
  channelBindings(): ChannelBindings {
    return this.socket instanceof TLSSocket ? tlsChannelBindings(this.socket) : NO_CHANNEL_BINDINGS;
  }

  write(data: string): boolean {
    if (this.ended || this.socket.destroyed) return false;
    // A message batch, a login's replies: many small writes in one turn. Each socket write is
    // a system call and a write request; joined, they are one.
    if (this.pending === '') process.nextTick(this.flush);
    this.pending += data;
    if (this.socket.writableLength + this.pending.length > this.maxWriteBuffer) this.handlers.overflow();
    return true;
  }

  /**
   * Turns the plain socket into a TLS server socket (RFC 6120 §5.4.3.3). The caller has written
   * `<proceed/>` already; nothing more is read from the plain socket.
   */
  startTls(secureContext: SecureContext): void {
    this.flush(); // <proceed/> goes out on the plain socket
    const plain = this.socket;
    this.detach(plain);
    const secure = new TLSSocket(plain, { isServer: true, secureContext });
    this.socket = secure;
    this.tls = true;
    this.attach(secure);
  }

  /** Our side is done: flush, half-close, and drop the socket if the peer lingers. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.flush();
    this.socket.end();
    this.graceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    this.graceTimer.unref();
  }

  destroy(): void {
    this.ended = true;
    this.flush(); // a last stream error goes out first, as an unbuffered write would have
    this.socket.destroy();
  }

  private gone(reason: string): void {
    if (this.goneCalled) return;
    this.goneCalled = true;
    clearTimeout(this.graceTimer);
    this.socket.destroy();
    this.handlers.gone(reason);
  }

  private attach(s: Duplex): void {
    s.on('data', this.onData);
    s.on('error', this.onError);
    s.on('close', this.onClose);
    s.on('end', this.onEnd);
  }

  private detach(s: Duplex): void {
    s.off('data', this.onData);
    s.off('error', this.onError);
    s.off('close', this.onClose);
    s.off('end', this.onEnd);
  }
}
