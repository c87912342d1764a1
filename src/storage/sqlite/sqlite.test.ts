import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteStorage } from './index.js';
import { runStorageContract } from '../contract.js';

runStorageContract('sqlite', () => openSqliteStorage({ path: ':memory:', onFatal: () => {} }));

// On a file the write queue syncs the WAL off the main thread before it resolves.
const dir = mkdtempSync(join(tmpdir(), 'hearth-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
runStorageContract('sqlite file', () => openSqliteStorage({ path: join(dir, `t${++n}.db`), onFatal: () => {} }));
