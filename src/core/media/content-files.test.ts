import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ContentFiles } from './content-files.js';
import { MediaError } from './errors.js';

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-media-'));
    try { await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
  };
}

async function* chunks(...parts: string[]) {
  for (const p of parts) yield Buffer.from(p);
}

test('content is stored under its SHA-256, once', withDir(async (dir) => {
  const files = new ContentFiles(dir);
  const a = await files.ingest(chunks('hello ', 'world'), 100);
  assert.equal(a.sha256, createHash('sha256').update('hello world').digest('hex'));
  assert.equal(a.size, 11);
  assert.equal(readFileSync(files.pathOf(a.sha256), 'utf8'), 'hello world');
  const b = await files.put(Buffer.from('hello world'));
  assert.deepEqual(b, a);
  assert.equal(readdirSync(join(dir, 'content', a.sha256.slice(0, 2))).length, 1);
  assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
}));

test('a stream over the limit is refused and leaves no file behind', withDir(async (dir) => {
  const files = new ContentFiles(dir);
  await assert.rejects(files.ingest(chunks('12345', '67890', 'x'), 10), (e: unknown) => e instanceof MediaError && e.code === 'too_large');
  assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
  assert.deepEqual(readdirSync(join(dir, 'content')), []);
}));

test('a failing source leaves no file behind', withDir(async (dir) => {
  const files = new ContentFiles(dir);
  async function* broken() { yield Buffer.from('part'); throw new Error('client went away'); }
  await assert.rejects(files.ingest(broken(), 100), /client went away/);
  assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
}));

test('only hex SHA-256 names are paths', withDir(async (dir) => {
  const files = new ContentFiles(dir);
  assert.throws(() => files.pathOf('../../etc/passwd'));
  assert.throws(() => files.pathOf('A'.repeat(64)));
}));
