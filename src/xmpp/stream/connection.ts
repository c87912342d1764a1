// What a stream needs from the connection under it, so that one stream machine runs over a TCP
// socket (Transport, TcpFraming) and over a WebSocket (WsTransport, WsFraming) alike.
import type { SecureContext } from 'node:tls';
import type { ChannelBindings } from '../sasl/channel-binding.js';
import type { StreamFraming } from './framing.js';
import type { TransportHandlers } from './transport.js';

export interface StreamTransport {
  /** Encrypted from the client's point of view (TLS here, or a trusted TLS-terminating proxy). */
  readonly isTls: boolean;
  readonly remoteAddress: string | undefined;
  /** One unit of output (over WebSocket: one message). False once the connection is closing. */
  write(data: string): boolean;
  /** STARTTLS; only transports that offer it are ever asked. */
  startTls(secureContext: SecureContext): void;
  end(): void;
  destroy(): void;
  /** SCRAM -PLUS channel bindings; absent or empty where TLS is not ours (a WebSocket behind a proxy). */
  channelBindings?(): ChannelBindings;
}

/** A connection that brings its own transport and framing (e.g. a WebSocket). */
export interface FramedConnection {
  readonly framing: StreamFraming;
  /** Called once by the stream with its callbacks. */
  attach(handlers: TransportHandlers): StreamTransport;
}

export function isFramedConnection(c: unknown): c is FramedConnection {
  return typeof c === 'object' && c !== null && 'framing' in c && 'attach' in c;
}
