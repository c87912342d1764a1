// A WebSocket as a stream transport (RFC 7395): one message per write, text frames only in,
// and the same "gone once" and slow-reader rules as the TCP transport.
import type { WebSocket } from 'ws';
import type { StreamTransport } from './connection.js';
import type { TransportHandlers } from './transport.js';
import { standalone } from './ws-framing.js';

// After our <close/>, how long the client gets to close the WebSocket before it is dropped.
const CLOSE_GRACE_MS = 2000;

export class WsTransport implements StreamTransport {
  private ended = false;
  private goneCalled = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    /** Whether the client reached us over TLS (decided by the listener from the proxy headers). */
    readonly isTls: boolean,
    readonly remoteAddress: string | undefined,
    private readonly handlers: TransportHandlers,
    private readonly maxWriteBuffer: number,
  ) {
    ws.on('message', (data, isBinary) => {
      // ws has already refused text frames that are not UTF-8 (close code 1007).
      const chunk = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      handlers.data(isBinary ? chunk : chunk.toString('utf8'));
    });
    ws.on('close', () => this.gone('websocket closed'));
    ws.on('error', (err) => this.gone(`websocket error: ${err.message}`));
  }

  write(data: string): boolean {
    if (this.ended || this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.send(standalone(data));
    if (this.ws.bufferedAmount > this.maxWriteBuffer) this.handlers.overflow();
    return true;
  }

  startTls(): void {
    // Never offered: TLS for a WebSocket is the HTTP layer's business.
    throw new Error('STARTTLS is not available over WebSocket');
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.ws.close(1000);
    this.graceTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    this.graceTimer.unref();
  }

  destroy(): void {
    this.ended = true;
    this.ws.terminate();
  }

  private gone(reason: string): void {
    if (this.goneCalled) return;
    this.goneCalled = true;
    clearTimeout(this.graceTimer);
    this.handlers.gone(reason);
  }
}
