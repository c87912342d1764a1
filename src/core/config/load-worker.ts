// Runs in a short-lived worker thread (load-isolated.ts): reads and validates the config file and
// posts back the resolved config, or the ConfigError message.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from './plain.js';
import { loadConfigFile } from './load.js';

try {
  parentPort!.postMessage({ config: loadConfigFile(workerData as string | null) });
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  parentPort!.postMessage({ error: e.message });
}
