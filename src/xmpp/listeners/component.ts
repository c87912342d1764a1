// External components (XEP-0114): one TCP listener, and for each configured domain the route
// that hands its stanzas to the component connected for it. A domain whose component is not
// connected answers like an unreachable service (<service-unavailable/>), so senders learn at once.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mayReplyWithError, stanzaError } from '../errors.js';
import type { XmppServer } from '../router.js';
import { ComponentStream } from '../component/component-stream.js';
import type { C2sLogger } from '../stream/types.js';
import { parseListen } from './c2s.js';

export interface ComponentListenerOptions {
  /** 'host:port'; the component protocol has no TLS, so keep it on loopback or a private network. */
  listen: string;
  components: readonly { domain: string; secret: string }[];
  server: XmppServer;
  logger: C2sLogger;
  maxStanzaSize: number;
  negotiationTimeoutMs?: number;
}

export interface ComponentListener {
  address: AddressInfo;
  /** Which configured domains have a component connected now. */
  connected(): string[];
  close(): Promise<void>;
}

export async function startComponentListener(opts: ComponentListenerOptions): Promise<ComponentListener> {
  const { server, logger } = opts;
  const secrets = new Map(opts.components.map((c) => [c.domain.toLowerCase(), c.secret]));
  const connected = new Map<string, ComponentStream>();
  const streams = new Set<ComponentStream>();
  for (const domain of secrets.keys()) {
    server.items.add({ jid: domain });
    server.component(domain, (ctx) => {
      if (connected.get(domain)?.send(ctx.stanza)) return;
      // As for any unreachable address (RFC 6121 §8.5): presence and answers are dropped, the rest bounced.
      const el = ctx.stanza;
      const type = el.attr('type');
      if (el.name === 'presence' || type === 'headline' || (el.name === 'iq' && type !== 'get' && type !== 'set')) return;
      if (mayReplyWithError(el)) server.route(stanzaError(el, 'cancel', 'service-unavailable', `${domain} is not connected`));
    });
  }
  const host = {
    secretOf: (domain: string) => secrets.get(domain),
    attach(domain: string, stream: ComponentStream): boolean {
      if (connected.has(domain)) return false;
      connected.set(domain, stream);
      return true;
    },
    detach(domain: string, stream: ComponentStream): void {
      if (connected.get(domain) === stream) {
        connected.delete(domain);
        logger.info({ component: domain }, 'xmpp: component disconnected');
      }
    },
    route: (el: Parameters<XmppServer['route']>[0]) => server.route(el),
  };
  const tcp: Server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    const stream = new ComponentStream(socket, { host, logger, maxStanzaSize: opts.maxStanzaSize, negotiationTimeoutMs: opts.negotiationTimeoutMs });
    streams.add(stream);
    socket.once('close', () => streams.delete(stream));
  });
  const spec = parseListen(opts.listen);
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    tcp.once('error', (err) => reject(new Error(`xmpp: cannot listen for components on ${spec.host}:${spec.port}: ${err.message}`)));
    tcp.listen({ host: spec.host, port: spec.port }, () => {
      tcp.removeAllListeners('error');
      tcp.on('error', (err) => logger.warn({ err: err.message }, 'xmpp: component listener error'));
      resolve(tcp.address() as AddressInfo);
    });
  });
  logger.info({ address: address.address, port: address.port, domains: [...secrets.keys()] }, 'xmpp: component listener');
  return {
    address,
    connected: () => [...connected.keys()],
    async close() {
      const closing = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const s of [...streams]) s.close('system-shutdown');
      await closing;
    },
  };
}
