#!/usr/bin/env node
// Makes a fresh clone runnable: installs npm packages when they are missing or stale, and
// compiles TypeScript when a source is newer than the last build. Quick when nothing changed.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function newest(dir) {
  let m = 0;
  if (!existsSync(dir)) return m;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) m = Math.max(m, newest(p));
    else if (e.name.endsWith('.ts') || e.name.endsWith('.py')) m = Math.max(m, statSync(p).mtimeMs);
  }
  return m;
}

const installMarker = join(root, 'node_modules', '.package-lock.json');
if (mtime(installMarker) < Math.max(mtime(join(root, 'package.json')), mtime(join(root, 'package-lock.json')))) {
  console.error('hearth: installing npm packages (first run only)...');
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

const stamp = join(root, 'dist', '.build-stamp');
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'test')), newest(join(root, 'bench')), mtime(join(root, 'tsconfig.json')));
if (mtime(stamp) < sources) {
  console.error('hearth: compiling TypeScript...');
  execSync('npx tsc -p tsconfig.json', { cwd: root, stdio: 'inherit' });
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, new Date().toISOString());
}
