// loadConfigFile for a long-running process. The schema validator (zod) is as much code as
// Hearth itself and the YAML parser adds more; both are needed once, at start. Loaded into the
// server's isolate they stay in memory for its whole life (about 8 MiB of RSS, measured with
// bench/xmpp-hearth.sh), so the file is read and validated in a worker thread that then exits.
import { Worker } from 'node:worker_threads';
import { ConfigError } from './plain.js';
import type { ResolvedConfig } from './schema.js';

type Reply = { config: ResolvedConfig } | { error: string };

export function loadConfigFileIsolated(path: string | null): Promise<ResolvedConfig> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: path });
    let reply: Reply | undefined;
    worker.once('message', (m: Reply) => { reply = m; });
    worker.once('error', reject);
    worker.once('exit', () => {
      if (reply === undefined) reject(new Error('config worker exited without an answer'));
      else if ('error' in reply) reject(new ConfigError(reply.error));
      else resolve(reply.config);
    });
  });
}
