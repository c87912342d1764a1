// Client listeners: plain TCP with STARTTLS (RFC 6120 §5) and direct TLS (XEP-0368, ALPN
// "xmpp-client"). Each accepted socket becomes one C2sStream; this file only owns the servers.
import { createServer as createTcpServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { C2sStream } from '../stream/c2s-stream.js';
import type { C2sAuthBackend, C2sLogger, C2sSessionHost } from '../stream/types.js';

export interface C2sListenerOptions {
  domain: string;
  /** 'host:port' for plain TCP + STARTTLS (e.g. '0.0.0.0:5222', '[::1]:5222'); port 0 = ephemeral. */
  starttlsListen?: string;
  /** 'host:port' for direct TLS (e.g. '0.0.0.0:5223'). */
  tlsListen?: string;
  tls: { key: string; cert: string };
  /** SASL (PLAIN included) before TLS; refused unless every listener is on a loopback address. */
  allowInsecureAuth: boolean;
  maxStanzaSize: number;
  auth: C2sAuthBackend;
  host: C2sSessionHost;
  logger: C2sLogger;
  /** Connect-to-bind deadline in ms (default 60 s). */
  negotiationTimeoutMs?: number;
}

export interface C2sListeners {
  /** Stops accepting, closes every stream with <system-shutdown/>, resolves when the servers closed. */
  close(): Promise<void>;
  /** The bound addresses (with the real port when 0 was asked). */
  addresses: { starttls?: AddressInfo; tls?: AddressInfo };
}

export async function startC2sListeners(opts: C2sListenerOptions): Promise<C2sListeners> {
  const specs = [opts.starttlsListen, opts.tlsListen].filter((s): s is string => s !== undefined).map(parseListen);
  if (specs.length === 0) throw new Error('xmpp: no client listener configured (starttlsListen or tlsListen)');
  if (opts.allowInsecureAuth && !specs.every((s) => isLoopback(s.host))) {
    throw new Error('xmpp: allowInsecureAuth is only allowed when every client listener is on a loopback address (127.0.0.1, ::1, localhost)');
  }
  const streams = new Set<C2sStream>();
  const secureContext = createSecureContext({ key: opts.tls.key, cert: opts.tls.cert });
  const accept = (socket: Socket | TLSSocket, directTls: boolean) => {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    const stream = new C2sStream(socket, {
      domain: opts.domain, auth: opts.auth, host: opts.host, logger: opts.logger,
      secureContext, directTls, allowInsecureAuth: opts.allowInsecureAuth,
      maxStanzaSize: opts.maxStanzaSize, negotiationTimeoutMs: opts.negotiationTimeoutMs,
    });
    streams.add(stream);
    socket.once('close', () => streams.delete(stream));
  };

  const servers: Server[] = [];
  const addresses: C2sListeners['addresses'] = {};
  try {
    if (opts.starttlsListen) {
      const server = createTcpServer((s) => accept(s, false));
      addresses.starttls = await listen(server, parseListen(opts.starttlsListen), servers, opts.logger);
    }
    if (opts.tlsListen) {
      const server = createTlsServer({ key: opts.tls.key, cert: opts.tls.cert, ALPNProtocols: ['xmpp-client'] }, (s) => accept(s, true));
      server.on('tlsClientError', (err) => opts.logger.debug({ err: err.message }, 'xmpp: TLS handshake failed'));
      addresses.tls = await listen(server, parseListen(opts.tlsListen), servers, opts.logger);
    }
  } catch (err) {
    await Promise.all(servers.map(closeServer));
    throw err;
  }
  for (const [kind, a] of Object.entries(addresses)) opts.logger.info({ address: a.address, port: a.port }, `xmpp: client listener (${kind})`);

  return {
    addresses,
    async close() {
      const closing = Promise.all(servers.map(closeServer));
      for (const s of [...streams]) s.close('system-shutdown');
      await closing;
    },
  };
}

interface ListenSpec { host: string; port: number }

/** 'host:port', '[v6]:port' or ':port' (all interfaces). */
export function parseListen(spec: string): ListenSpec {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(spec.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`xmpp: bad listen address '${spec}' (expected host:port)`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host.toLowerCase().startsWith('::ffff:127.');
}

/**
 * Connections the kernel may hold before they are accepted. Node's default (511) overflows when
 * many clients reconnect at once (a restart, a network coming back): the overflowing ones lose
 * their SYN and retry a second later. The kernel caps it at net.core.somaxconn.
 */
const ACCEPT_BACKLOG = 4096;

function listen(server: Server, spec: ListenSpec, servers: Server[], logger: C2sLogger): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`xmpp: cannot listen on ${spec.host}:${spec.port}: ${err.message}`));
    server.once('error', onError);
    server.listen({ port: spec.port, host: spec.host, backlog: ACCEPT_BACKLOG }, () => {
      server.off('error', onError);
      // Accept errors (e.g. EMFILE) must not take the process down.
      server.on('error', (err) => logger.warn({ err: err.message }, 'xmpp: listener error'));
      servers.push(server);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
