// Starts a whole Hearth on loopback with ephemeral ports and a fresh data dir, for integration tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/core/config/load.js';
import type { ResolvedConfig } from '../../src/core/config/schema.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { silentLogger } from '../../src/core/logger.js';

export interface TestServer extends RunningServer {
  config: ResolvedConfig;
  dataDir: string;
  /** Creates an account with the CLI's code path. */
  addUser(name: string, password?: string, admin?: boolean): Promise<void>;
  /** Stops the server, keeping its data dir, and starts it again on the same data. */
  restart(): Promise<TestServer>;
  /** Stops the server and removes its data dir. */
  destroy(): Promise<void>;
}

export interface TestServerOptions {
  serverName?: string;
  dataDir?: string;
  extra?: Record<string, unknown>;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hearth-test-'));
  const config = resolveConfig({
    server_name: opts.serverName ?? 'localhost',
    data_dir: dataDir,
    log_level: 'silent',
    matrix: { client_listen: '127.0.0.1:0' },
    xmpp: { c2s_listen: '127.0.0.1:0', c2s_tls_listen: '127.0.0.1:0', allow_insecure_auth: true },
    accounts: { scram_iterations: 4096 },
    ...(opts.extra ?? {}),
  });
  const server = await startServer(config, silentLogger);
  const ts: TestServer = {
    ...server,
    config,
    dataDir,
    async addUser(name, password = 'secret-pw', admin = false) {
      await server.core.accounts.create(name, password, admin);
    },
    async restart() {
      await server.close();
      return startTestServer({ ...opts, dataDir });
    },
    async destroy() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ts;
}
