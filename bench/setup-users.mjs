#!/usr/bin/env node
// Creates the benchmark accounts <prefix>0..<prefix>{count-1} with one password, straight into a
// Hearth data dir (the server may be stopped or running). Uses the CLI's code path.
// usage: node bench/setup-users.mjs --config FILE [--count 5000] [--prefix user] [--password pw]
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';

const { values } = parseArgs({ options: {
  config: { type: 'string' }, count: { type: 'string', default: '5000' },
  prefix: { type: 'string', default: 'user' }, password: { type: 'string', default: 'pw' },
} });
const root = new URL('..', import.meta.url).pathname;
const { loadConfigFile } = await import(join(root, 'dist/src/core/config/load.js'));
const { openSqliteStorage } = await import(join(root, 'dist/src/storage/sqlite/index.js'));
const { AccountService } = await import(join(root, 'dist/src/core/accounts/service.js'));
const config = loadConfigFile(values.config ?? null);
const storage = openSqliteStorage({ path: join(resolve(config.data_dir), 'hearth.db') });
const accounts = new AccountService(storage, config.server_name, config.accounts.scram_iterations);
let made = 0;
for (let i = 0; i < Number(values.count); i += 50) {
  const batch = [];
  for (let j = i; j < Math.min(i + 50, Number(values.count)); j++) {
    const name = `${values.prefix}${j}`;
    if (!accounts.get(name)) batch.push(accounts.create(name, values.password).then(() => made++));
  }
  await Promise.all(batch);
}
storage.close();
console.log(`created ${made} accounts`);
