// XMPP over WebSocket (RFC 7395) on an HTTP server someone else owns: the composition root hands
// upgrade requests for /xmpp-websocket here. Each accepted WebSocket becomes one C2sStream with
// WebSocket framing; everything after the handshake is the same stream machine as over TCP.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { C2sStream } from '../stream/c2s-stream.js';
import type { FramedConnection } from '../stream/connection.js';
import type { C2sAuthBackend, C2sLogger, C2sSessionHost } from '../stream/types.js';
import { WsFraming } from '../stream/ws-framing.js';
import { WsTransport } from '../stream/ws-transport.js';
import { isLoopback } from './c2s.js';

export const WEBSOCKET_PATH = '/xmpp-websocket';
export const WEBSOCKET_SUBPROTOCOL = 'xmpp';

export interface WebSocketEndpointOptions {
  domain: string;
  maxStanzaSize: number;
  auth: C2sAuthBackend;
  host: C2sSessionHost;
  logger: C2sLogger;
  /** Peer addresses whose X-Forwarded-Proto is believed (xmpp.websocket_trusted_proxies). */
  trustedProxies: readonly string[];
  negotiationTimeoutMs?: number;
}

export interface WebSocketEndpoint {
  /** For the HTTP server's 'upgrade' event on WEBSOCKET_PATH. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every stream with <system-shutdown/>. */
  close(): Promise<void>;
}

/**
 * Whether a WebSocket reached the client side over TLS. The HTTP listener is plain; TLS ends at a
 * reverse proxy. A trusted proxy's `X-Forwarded-Proto` decides; a loopback peer that sends none is
 * a local client (or a proxy that does not say) and counts as private. Anything else is plain.
 */
export function isSecureRequest(remote: string | undefined, headers: IncomingHttpHeaders, trusted: readonly string[]): boolean {
  if (remote === undefined) return false;
  const proto = headers['x-forwarded-proto'];
  const trustedPeer = trusted.includes(remote) || trusted.includes(remote.replace(/^::ffff:/, ''));
  if (!trustedPeer) return false;
  // With several proxies in a chain the first value is the client's own hop.
  if (proto !== undefined) return String(proto).split(',')[0]!.trim().toLowerCase() === 'https';
  return isLoopback(remote);
}

/** RFC 7395 §3.1: the client must ask for the "xmpp" subprotocol. */
export function offersXmppSubprotocol(header: string | undefined): boolean {
  return (header ?? '').split(',').some((p) => p.trim() === WEBSOCKET_SUBPROTOCOL);
}

export function createWebSocketEndpoint(opts: WebSocketEndpointOptions): WebSocketEndpoint {
  const streams = new Set<C2sStream>();
  // The WebSocket library is loaded with the first upgrade: a server whose clients all use TCP
  // does not keep its code in memory (about 1.5 MiB of heap, measured with `import('ws')`).
  let wss: Promise<WebSocketServer> | null = null;
  const server = (): Promise<WebSocketServer> => (wss ??= import('ws').then(({ WebSocketServer }) => new WebSocketServer({
    noServer: true,
    // A message is one stanza; the stream parser applies the exact limit and its stream error.
    maxPayload: opts.maxStanzaSize + 4096,
    handleProtocols: (protocols) => (protocols.has(WEBSOCKET_SUBPROTOCOL) ? WEBSOCKET_SUBPROTOCOL : false),
  })));

  const accept = (ws: WebSocket, req: IncomingMessage, secure: boolean) => {
    const remote = req.socket.remoteAddress;
    const connection: FramedConnection = {
      framing: new WsFraming(opts.maxStanzaSize),
      attach: (handlers) => new WsTransport(ws, secure, remote, handlers, 4 * 1024 * 1024),
    };
    const stream = new C2sStream(connection, {
      domain: opts.domain, auth: opts.auth, host: opts.host, logger: opts.logger,
      directTls: secure, allowInsecureAuth: false,
      maxStanzaSize: opts.maxStanzaSize, negotiationTimeoutMs: opts.negotiationTimeoutMs,
    });
    streams.add(stream);
    ws.once('close', () => streams.delete(stream));
  };

  return {
    handleUpgrade(req, socket, head) {
      // node:http no longer watches an upgraded socket: a reset must not become an uncaught error.
      socket.on('error', (err) => opts.logger.debug({ err: err.message }, 'xmpp: websocket socket error'));
      if (!offersXmppSubprotocol(req.headers['sec-websocket-protocol'] as string | undefined)) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nthe xmpp subprotocol is required\n');
        return;
      }
      // A stream that could not authenticate would only wait for its timeout: refuse it plainly.
      const secure = isSecureRequest(req.socket.remoteAddress, req.headers, opts.trustedProxies);
      if (!secure) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nXMPP over WebSocket needs TLS: connect with wss:// through the TLS proxy\n');
        return;
      }
      server().then((w) => {
        if (!socket.destroyed) w.handleUpgrade(req, socket, head, (ws) => accept(ws, req, secure));
      }, (err: unknown) => {
        opts.logger.warn({ err }, 'xmpp: the WebSocket library could not be loaded');
        socket.destroy();
      });
    },
    async close() {
      for (const s of [...streams]) s.close('system-shutdown');
      if (wss) {
        const w = await wss;
        await new Promise<void>((resolve) => w.close(() => resolve()));
      }
    },
  };
}
