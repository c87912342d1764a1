// Start-up, wired explicitly: config -> data dir -> storage -> core -> Matrix, XMPP.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import type { ResolvedConfig } from './core/config/schema.js';
import type { Logger } from './core/logger.js';
import { openSqliteStorage } from './storage/sqlite/index.js';
import { closeCore, createCore, loadOrCreateSigningKey, type CoreServices } from './core/services.js';
import { startMatrix } from './matrix/index.js';
import { adminRoutes } from './admin/api/index.js';
import { startXmpp } from './xmpp/index.js';

export interface RunningServer {
  core: CoreServices;
  matrixUrl: string;
  xmppPorts: { starttls: number | null; tls: number | null; component: number | null };
  close(): Promise<void>;
}

export function makeLogger(config: ResolvedConfig): Logger {
  return pino({ level: config.log_level }) as unknown as Logger;
}

/** How soon a running server notices an account deleted with the CLI. */
const DEACTIVATION_SWEEP_MS = 30_000;

export async function startServer(config: ResolvedConfig, logger: Logger = makeLogger(config)): Promise<RunningServer> {
  const dataDir = resolve(config.data_dir);
  mkdirSync(dataDir, { recursive: true });
  const storage = openSqliteStorage({
    path: join(dataDir, 'hearth.db'),
    onFatal: (err) => {
      logger.error({ err }, 'database commit failed; stopping so that nothing acknowledged is lost');
      process.exit(70);
    },
    onCheckpointError: (err, msg) => logger.warn({ err }, msg),
  });
  const core = createCore(config, storage, logger, loadOrCreateSigningKey(dataDir));
  const matrix = await startMatrix(core, { extraRoutes: adminRoutes });
  const xmpp = await startXmpp(core);
  // XMPP's WebSocket and host-meta live on the Matrix HTTP listener (one public HTTPS origin).
  const publicBase = () => (config.matrix.public_baseurl ?? (config.publicBaseUrl.endsWith(':0') ? matrix.url : config.publicBaseUrl));
  for (const { path, ...handlers } of xmpp.httpMounts(publicBase)) matrix.mount(path, handlers);
  // `hearth user delete` runs in another process: finish what it started, now and from time to time.
  await core.deactivations.sweep();
  core.accounts.sweepLocks();
  const sweeper = setInterval(() => {
    core.deactivations.sweep().catch((err) => logger.error({ err }, 'deactivation sweep failed'));
    // Accounts the CLI locked: their XMPP streams end here (Matrix refuses at the next request).
    core.accounts.sweepLocks();
  }, DEACTIVATION_SWEEP_MS);
  sweeper.unref();
  return {
    core,
    matrixUrl: matrix.url,
    xmppPorts: xmpp.ports,
    async close() {
      clearInterval(sweeper);
      await Promise.allSettled([xmpp.close(), matrix.close()]);
      closeCore(core);
      await storage.writes.flush();
      storage.close();
    },
  };
}
