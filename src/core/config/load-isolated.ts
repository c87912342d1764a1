// loadConfigFile for a long-running process. The schema validator (zod) is as much code as
// Hearth itself and the YAML parser adds more; both are needed once, at start. Loaded into the
// server's isolate they stay in memory for its whole life (about 8 MiB of RSS, measured with
// bench/xmpp-hearth.sh), so the file is read and validated in a child process that then exits.
// A worker thread did this before: it left about 2.4 MiB more behind in the server (its
// thread's malloc arena and the binary's pages it touched; docs/performance.md, session 4).
// The config is plain data, so JSON carries it whole.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './plain.js';
import type { ResolvedConfig } from './schema.js';

type Reply = { config: ResolvedConfig } | { error: string };

const CHILD = fileURLToPath(new URL('./load-child.js', import.meta.url));

export function loadConfigFileIsolated(path: string | null): Promise<ResolvedConfig> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, path === null ? [CHILD] : [CHILD, path], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`the config reader failed: ${stderr.trim() || err.message}`));
        return;
      }
      let reply: Reply;
      try {
        reply = JSON.parse(stdout) as Reply;
      } catch {
        reject(new Error('the config reader gave no answer'));
        return;
      }
      if ('error' in reply) reject(new ConfigError(reply.error));
      else resolve(reply.config);
    });
  });
}
