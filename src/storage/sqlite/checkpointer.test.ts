import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { walCheckpointer, walFrames } from './checkpointer.js';
import { sqliteWriteQueue } from './write-queue.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-ckpt-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function open(): Database.Database {
  const db = new Database(join(dir, `c${++n}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (x TEXT)');
  return db;
}
const frames = (db: Database.Database) => walFrames(readFileSync(`${db.name}-shm`));
const row = 'x'.repeat(3000); // about one page each

test('walFrames reads the frames in the WAL and those a checkpoint has not copied yet', () => {
  const db = open();
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  for (let i = 0; i < 20; i++) insert.run(row);
  const before = frames(db);
  assert.ok(before.frames >= 20, `frames ${before.frames}`);
  assert.equal(before.pending, before.frames);
  const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
  assert.equal(r.log, before.frames);
  assert.deepEqual(frames(db), { frames: before.frames, pending: 0 });
  db.close();
});

test('walFrames of a header too short to hold the fields is empty', () => {
  assert.deepEqual(walFrames(Buffer.alloc(50)), { frames: 0, pending: 0 });
});

test('a WAL with enough pending frames is checkpointed by the worker, without holding commits', async () => {
  const db = open();
  const holds: Promise<void>[] = [];
  const warnings: string[] = [];
  const cp = walCheckpointer(db, (_e, m) => warnings.push(m), { checkpointFrames: 10, restartFrames: 1_000_000, idleExitMs: 50 });
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  for (let i = 0; i < 5; i++) insert.run(row);
  cp.walGrew((p) => holds.push(p));
  assert.equal(holds.length, 0);
  assert.ok(frames(db).pending > 0, 'below the threshold: nothing copied');
  for (let i = 0; i < 20; i++) insert.run(row);
  cp.walGrew((p) => holds.push(p));
  assert.equal(holds.length, 0, 'a checkpoint alone does not hold commits');
  for (let i = 0; i < 200 && frames(db).pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(frames(db).pending, 0);
  assert.deepEqual(warnings, []);
  cp.close();
  db.close();
});

test('past the restart size, commits wait for a complete checkpoint and the WAL starts over', async () => {
  const db = open();
  const cp = walCheckpointer(db, () => {}, { checkpointFrames: 1_000_000, restartFrames: 30, idleExitMs: 50 });
  let held = 0;
  let released = 0;
  const queue = sqliteWriteQueue(db, (e) => { throw e; }, `${db.name}-wal`, (hold) => cp.walGrew((until) => {
    held++;
    void until.then(() => { released++; });
    hold(until);
  }));
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  let rows = 0;
  while (held === 0 && rows < 100) { await queue.enqueue(() => { insert.run(row); }); rows++; }
  assert.equal(held, 1, 'a sync saw 30 frames');
  const size = statSync(`${db.name}-wal`).size;
  // The next commit waits for the checkpoint, then restarts the WAL.
  let releasedFirst = false;
  await queue.enqueue(() => { releasedFirst = released === 1; insert.run(row); });
  assert.ok(releasedFirst, 'the commit ran after the checkpoint');
  const after = frames(db);
  assert.ok(after.frames < 30, `WAL started over (${after.frames} frames)`);
  assert.equal(statSync(`${db.name}-wal`).size, size, 'the file is reused, not grown');
  assert.equal((db.prepare('SELECT COUNT(*) AS c FROM t').get() as { c: number }).c, rows + 1);
  await queue.flush();
  cp.close();
  queue.close();
  db.close();
});

test('a reader that keeps the checkpoint from completing does not make every commit wait', async () => {
  const db = open();
  const reader = new Database(db.name);
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  insert.run(row);
  reader.exec('BEGIN');
  reader.prepare('SELECT COUNT(*) FROM t').get(); // a snapshot the checkpoint cannot copy past
  const cp = walCheckpointer(db, () => {}, { checkpointFrames: 1_000_000, restartFrames: 10, idleExitMs: 50 });
  let held = 0;
  const queue = sqliteWriteQueue(db, (e) => { throw e; }, `${db.name}-wal`, (hold) => cp.walGrew((until) => { held++; hold(until); }));
  for (let i = 0; i < 40; i++) await queue.enqueue(() => { insert.run(row); });
  assert.equal(held, 1, 'one hold; the next ones wait for the gap');
  assert.ok(frames(db).pending > 0);
  reader.exec('COMMIT');
  reader.close();
  await queue.flush();
  cp.close();
  queue.close();
  db.close();
});
