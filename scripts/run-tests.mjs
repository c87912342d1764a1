#!/usr/bin/env node
// Runs the compiled tests with Node's test runner: unit tests (beside the code) and integration
// tests by default; `interop` runs the tests that need fetched peers.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const which = process.argv[2] ?? 'all';

function find(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) find(p, out);
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const unit = find(join(root, 'dist', 'src'));
const integration = find(join(root, 'dist', 'test', 'integration'));
const interop = find(join(root, 'dist', 'test', 'interop'));
const files = which === 'unit' ? unit : which === 'interop' ? interop : which === 'integration' ? integration : [...unit, ...integration];
if (files.length === 0) {
  console.error(`no ${which} tests found`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=120000', ...files], {
  cwd: root, stdio: 'inherit', env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
});
process.exit(r.status ?? 1);
