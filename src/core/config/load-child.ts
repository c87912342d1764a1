// Runs in a short-lived child process (load-isolated.ts): reads and validates the config file
// named by its argument (none: the defaults) and writes the resolved config, or the ConfigError
// message, as one JSON object on stdout.
import { ConfigError } from './plain.js';
import { loadConfigFile } from './load.js';

const path = process.argv[2] ?? null;
try {
  process.stdout.write(JSON.stringify({ config: loadConfigFile(path) }));
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stdout.write(JSON.stringify({ error: e.message }));
}
