#!/usr/bin/env -S node --max-semi-space-size=4
// `npx hearth ...` from the checkout: make sure it is built, then run the CLI.
// A young generation of at most 4 MiB per semi-space (V8's default grows to 16): a burst of
// requests no longer leaves ~25 MiB more RSS behind, at no measurable CPU cost (docs/performance.md).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' });
const { main } = await import(join(root, 'dist', 'src', 'admin', 'cli.js'));
process.exitCode = await main(process.argv.slice(2));
