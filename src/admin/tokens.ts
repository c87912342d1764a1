// `hearth token add|list|delete`: registration tokens, for servers with
// matrix.registration.require_token. The admin API offers the same over HTTP.
import { join, resolve } from 'node:path';
import type { ResolvedConfig } from '../core/config/schema.js';
import { openSqliteStorage } from '../storage/sqlite/index.js';
import { parseTokenSpec, newRegistrationToken, TokenSpecError } from './api/token-spec.js';

export async function tokenCommand(config: ResolvedConfig, sub: string | undefined, name: string | undefined,
  values: { uses?: string; expires?: string }): Promise<number> {
  if (!['add', 'list', 'delete'].includes(sub ?? '') || (sub === 'delete' && !name)) {
    console.error('usage: hearth token add [TOKEN] [--uses N] [--expires ISO-DATE] | list | delete TOKEN');
    return 2;
  }
  const storage = openSqliteStorage({ path: join(resolve(config.data_dir), 'hearth.db') });
  try {
    const tokens = storage.registrationTokens;
    if (sub === 'list') {
      for (const t of tokens.list()) {
        const expiry = t.expiryTs === null ? 'never' : new Date(t.expiryTs).toISOString();
        console.log(`${t.token}\tused ${t.completed}/${t.usesAllowed ?? 'unlimited'}\texpires ${expiry}`);
      }
      return 0;
    }
    if (sub === 'delete') {
      if (!tokens.delete(name!)) { console.error(`hearth: no token ${name}`); return 1; }
      console.log(`deleted token ${name}`);
      return 0;
    }
    const expiresMs = values.expires === undefined ? undefined : Date.parse(values.expires);
    if (expiresMs !== undefined && Number.isNaN(expiresMs)) { console.error('hearth: --expires must be a date, e.g. 2030-01-31'); return 2; }
    const spec = parseTokenSpec({
      token: name ?? newRegistrationToken(),
      uses_allowed: values.uses === undefined ? null : Number(values.uses),
      expiry_time: expiresMs ?? null,
    });
    if (!tokens.create(spec.token, spec.usesAllowed, spec.expiryTs, Date.now())) { console.error(`hearth: token ${spec.token} exists`); return 1; }
    console.log(spec.token);
    return 0;
  } catch (e) {
    if (e instanceof TokenSpecError) { console.error(`hearth: ${e.message}`); return 2; }
    throw e;
  } finally {
    storage.close();
  }
}
