// The Matrix Client-Server API: builds the Matrix-side helpers over the core, the route table,
// and the HTTP listener on `matrix.client_listen`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientAddress, DeviceActivity } from './auth/device-activity.js';
import type { Duplex } from 'node:stream';
import type { CoreServices } from '../core/services.js';
import { splitHostPort } from '../core/config/plain.js';
import type { MatrixContext } from './context.js';
import { allRoutes } from './endpoints/index.js';
import { Formatter, TxnEcho } from './events/formatter.js';
import { History } from './events/history.js';
import { Redactions } from './events/redactions.js';
import { Router } from './http/router.js';
import { requestListener } from './http/server.js';
import { mediaHttp } from './media/index.js';
import { oauthHttp } from './oauth/http.js';
import { SyncNotifier } from './sync/notifier.js';
import { Ephemeral } from './ephemeral/index.js';
import { checkAccessExpiry } from './auth/sessions.js';
import { withRateLimits } from './ratelimit/index.js';
import type { Route } from './http/types.js';

export interface MatrixApi {
  /** Where the API listens, e.g. http://127.0.0.1:8008 (the bound port when the config says 0). */
  url: string;
  /**
   * Serves another protocol's path on this listener (XMPP's WebSocket and host-meta): plain
   * requests and/or WebSocket upgrades for exactly that path. The composition root wires it.
   */
  mount(path: string, handlers: MountedHandlers): void;
  close(): Promise<void>;
}

export interface MountedHandlers {
  request?(req: IncomingMessage, res: ServerResponse): void;
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

function urlOf(addr: AddressInfo): string {
  const host = addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address === '::' ? '::1' : addr.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
}

export interface MatrixOptions {
  /** Routes from above the Matrix layer (the admin API) served by the same router. */
  extraRoutes?: (m: MatrixContext) => Route[];
}

export async function startMatrix(core: CoreServices, opts: MatrixOptions = {}): Promise<MatrixApi> {
  const logger = core.logger.child({ module: 'matrix' });
  let url = '';
  const redactions = new Redactions(core.storage, core.rooms);
  const echo = new TxnEcho();
  const closers: (() => void)[] = [];
  const m: MatrixContext = {
    core,
    echo,
    redactions,
    formatter: new Formatter(core.storage, core.rooms, redactions, echo, core.accountData),
    history: new History(core.storage, core.rooms),
    notifier: new SyncNotifier(core.storage.events, core.storage.rooms, core.bus),
    ephemeral: new Ephemeral(core),
    // The configured public URL, unless it was derived from a listen address with port 0.
    baseUrl: () => (core.config.matrix.public_baseurl === null && core.config.publicBaseUrl.endsWith(':0') ? url : core.config.publicBaseUrl),
    onClose: (fn) => { closers.push(fn); },
  };
  const mounts = new Map<string, MountedHandlers>();
  const mounted = (req: IncomingMessage) => {
    if (mounts.size === 0) return undefined;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    return mounts.get(q < 0 ? url : url.slice(0, q));
  };
  const activity = new DeviceActivity((userId, deviceId, s) => core.storage.devices.touchDevice(userId, deviceId, s.ts, s.ip, s.userAgent));
  const api = oauthHttp(m, mediaHttp(m, requestListener({
    router: new Router(withRateLimits(m, [...allRoutes(m), ...(opts.extraRoutes?.(m) ?? [])])),
    maxBodyBytes: core.config.matrix.max_request_bytes,
    authenticate: (token) => {
      checkAccessExpiry(m, token);
      const session = core.storage.devices.lookupToken(token);
      if (!session) return null;
      const locked = core.accounts.restriction(core.accounts.localpartOf(session.userId)!) === 'locked';
      return { ...session, accessToken: token, ...(locked ? { locked } : {}) };
    },
    seen: (who, req) => activity.seen(who.userId, who.deviceId, clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for']), req.headers['user-agent'] ?? null, Date.now()),
    logger,
  })));
  const server = createServer((req, res) => {
    const m = mounted(req)?.request;
    if (m) m(req, res);
    else api(req, res);
  });
  // Upgrades nobody mounted are refused; node:http would otherwise leave the socket hanging.
  server.on('upgrade', (req, socket, head) => {
    const m = mounted(req)?.upgrade;
    if (m) m(req, socket, head);
    else socket.on('error', () => undefined).end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  const [host, port] = splitHostPort(core.config.matrix.client_listen);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host.replace(/^\[|\]$/g, ''), () => { server.off('error', reject); resolve(); });
    });
  } catch (err) {
    m.notifier.close();
    m.ephemeral.close();
    throw err;
  }
  // An error on the listening socket must be logged, not thrown out of the event loop.
  server.on('error', (err) => logger.error({ err }, 'Matrix listener error'));
  url = urlOf(server.address() as AddressInfo);
  logger.info({ url }, 'Matrix Client-Server API listening');
  return {
    url,
    mount(path, handlers) {
      mounts.set(path, handlers);
    },
    async close() {
      for (const fn of closers.splice(0)) {
        try { fn(); } catch (err) { logger.error({ err }, 'Matrix close hook failed'); }
      }
      m.notifier.close();
      m.ephemeral.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Long-polls would hold close() for their whole timeout.
      server.closeAllConnections();
      await closed;
    },
  };
}
