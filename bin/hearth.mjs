#!/usr/bin/env node
// `npx hearth ...` from the checkout: make sure it is built, then run the CLI.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' });
const { main } = await import(join(root, 'dist', 'src', 'admin', 'cli.js'));
process.exitCode = await main(process.argv.slice(2));
