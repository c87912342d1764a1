import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../core/config/load.js';
import { openSqliteStorage } from '../storage/sqlite/index.js';
import { tokenCommand } from './tokens.js';

test('hearth token add, list and delete manage registration tokens; bad options are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-tokens-'));
  const config = resolveConfig({ data_dir: dir, log_level: 'silent' });
  const out: string[] = [];
  const log = console.log;
  const err = console.error;
  console.log = (s: string) => { out.push(s); };
  console.error = () => {};
  try {
    assert.equal(await tokenCommand(config, 'add', 'club', { uses: '2' }), 0);
    assert.equal(await tokenCommand(config, 'add', 'club', {}), 1, 'a duplicate');
    assert.equal(await tokenCommand(config, 'add', undefined, { expires: '2999-01-01' }), 0);
    assert.equal(await tokenCommand(config, 'add', 'x', { expires: 'someday' }), 2);
    assert.equal(await tokenCommand(config, 'add', 'bad token', {}), 2);
    assert.equal(await tokenCommand(config, 'add', 'y', { uses: '-1' }), 2);
    assert.equal(await tokenCommand(config, 'list', undefined, {}), 0);
    assert.ok(out.some((l) => l.startsWith('club\tused 0/2')));
    assert.equal(await tokenCommand(config, 'delete', 'club', {}), 0);
    assert.equal(await tokenCommand(config, 'delete', 'club', {}), 1);
    assert.equal(await tokenCommand(config, 'frob', undefined, {}), 2);
    const storage = openSqliteStorage({ path: join(dir, 'hearth.db') });
    assert.equal(storage.registrationTokens.list().length, 1);
    storage.close();
  } finally {
    console.log = log;
    console.error = err;
    rmSync(dir, { recursive: true, force: true });
  }
});
