// hearth start | user add|list|passwd|delete|lock|unlock|suspend|unsuspend — the interface scripts and the docs rely on.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/config/plain.js';
import { loadConfigFileIsolated } from '../core/config/load-isolated.js';
import type { ResolvedConfig } from '../core/config/schema.js';
import { openSqliteStorage } from '../storage/sqlite/index.js';
import { AccountService, AccountError } from '../core/accounts/service.js';
import { startServer, makeLogger } from '../main.js';
import { promptPassword } from './prompt.js';
import type { AccountRestriction } from '../core/ports.js';
import { tokenCommand } from './tokens.js';

const USAGE = `usage:
  hearth start [--config FILE]
  hearth user add NAME [--password PW] [--admin] [--config FILE]
  hearth user list [--config FILE]
  hearth user passwd NAME [--password PW] [--config FILE]
  hearth user delete NAME [--config FILE]
  hearth user lock|unlock|suspend|unsuspend NAME [--config FILE]
  hearth token add [TOKEN] [--uses N] [--expires ISO-DATE] [--config FILE]
  hearth token list [--config FILE]
  hearth token delete TOKEN [--config FILE]`;

/** lock|unlock|suspend|unsuspend: spec "Account moderation", reversible (docs/admin-api.md). */
const RESTRICTIONS: Record<string, [AccountRestriction, boolean] | undefined> = {
  lock: ['locked', true], unlock: ['locked', false], suspend: ['suspended', true], unsuspend: ['suspended', false],
};

const OPTIONS = {
  config: { type: 'string' },
  password: { type: 'string' },
  admin: { type: 'boolean' },
  uses: { type: 'string' },
  expires: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (e) {
    console.error(`hearth: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  let config: ResolvedConfig;
  try {
    config = await loadConfigFileIsolated(values.config ?? null);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`hearth: ${e.message}`);
      return 78;
    }
    throw e;
  }
  const [cmd, sub, name] = positionals;
  if (cmd === 'start') return start(config);
  if (cmd === 'user') return user(config, sub, name, values);
  if (cmd === 'token') return tokenCommand(config, sub, name, values);
  console.error(`hearth: unknown command '${positionals.join(' ')}'\n${USAGE}`);
  return 2;
}

async function start(config: ResolvedConfig): Promise<number> {
  const logger = makeLogger(config);
  let server;
  try {
    server = await startServer(config, logger);
  } catch (e) {
    console.error(`hearth: cannot start: ${(e as Error).message}`);
    return 1;
  }
  console.log([
    `Hearth is running for ${config.server_name}`,
    `  Matrix Client-Server API: ${server.matrixUrl}`,
    `  XMPP clients: ${config.xmpp.c2s_listen ?? 'off'} (STARTTLS), ${config.xmpp.c2s_tls_listen ?? 'off'} (direct TLS)`,
    `  XMPP group chat: ${config.mucDomain}`,
    `  data: ${resolve(config.data_dir)}`,
    `Add the first user with: npx hearth user add NAME${configHint()}`,
  ].join('\n'));
  await new Promise<void>((done) => {
    const stop = () => { done(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

function configHint(): string {
  const i = process.argv.indexOf('--config');
  return i > 0 ? ` --config ${process.argv[i + 1]}` : '';
}

async function user(config: ResolvedConfig, sub: string | undefined, name: string | undefined,
  values: { password?: string; admin?: boolean }): Promise<number> {
  const storage = openSqliteStorage({ path: join(resolve(config.data_dir), 'hearth.db') });
  const accounts = new AccountService(storage, config.server_name, config.accounts.scram_iterations);
  try {
    if (sub === 'list') {
      for (const a of accounts.list()) {
        const flags = [a.admin ? 'admin' : '', a.deactivated ? 'deactivated' : '', a.locked ? 'locked' : '', a.suspended ? 'suspended' : ''].filter(Boolean).join(',');
        console.log(`@${a.localpart}:${config.server_name}\t${a.localpart}@${config.server_name}${flags ? `\t${flags}` : ''}`);
      }
      return 0;
    }
    if (!name || !['add', 'passwd', 'delete', ...Object.keys(RESTRICTIONS)].includes(sub ?? '')) {
      console.error(USAGE);
      return 2;
    }
    const restriction = RESTRICTIONS[sub!];
    if (restriction) {
      // A running server sees the change at the next request (PRAGMA data_version, storage/sqlite).
      accounts.setRestriction(name, restriction[0], restriction[1]);
      console.log(`${name}: ${restriction[1] ? '' : 'no longer '}${restriction[0]}`);
      return 0;
    }
    if (sub === 'delete') {
      accounts.deactivate(name);
      console.log(`deactivated ${name}: its sessions are ended and the name stays reserved`);
      return 0;
    }
    const password = values.password ?? await promptPassword(`password for ${name}: `);
    if (sub === 'add') {
      await accounts.create(name, password, values.admin ?? false);
      console.log(`added @${name}:${config.server_name} (XMPP: ${name}@${config.server_name})`);
    } else {
      await accounts.setPassword(name, password);
      console.log(`password of ${name} changed`);
    }
    return 0;
  } catch (e) {
    if (e instanceof AccountError) {
      console.error(`hearth: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    storage.close();
  }
}
