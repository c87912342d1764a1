// Group commit: every write queued during one turn of the event loop runs in one transaction,
// and every caller's promise resolves after that commit is on disk (DESIGN §5: ~1.5 µs a write
// under load, where a transaction per write costs over 100 µs).
//
// The disk sync runs off the main thread: the batch commits to the WAL without syncing
// (synchronous = NORMAL for this one transaction), then the WAL file is fdatasync'ed on the
// libuv thread pool, and only then are the callers told. Meanwhile the event loop goes on and
// the next batches commit; they wait for the next sync, at most one in flight. So durability is
// what synchronous = FULL gives (nothing is acknowledged before its WAL frames are synced), but
// the main thread no longer stops for each sync. A checkpoint in between syncs the WAL itself.
// Writes that bypass the queue still commit with synchronous = FULL.
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { WriteQueue } from '../../core/ports.js';

interface Pending { write: () => void; resolve: () => void; reject: (e: unknown) => void }

/** Longest a deferred write waits for a group commit to join. */
export const DEFERRED_WRITE_MS = 1000;

/**
 * Told after each WAL sync, with a way to hold the next commits until a promise settles (the
 * checkpointer uses it to let a checkpoint complete: checkpointer.ts).
 */
export type AfterSync = (holdCommits: (until: Promise<void>) => void) => void;

/** The WAL file to sync after each batch; null when the database has none (':memory:'). */
export function sqliteWriteQueue(db: Database.Database, onFatal: (err: unknown) => void, walPath: string | null, afterSync?: AfterSync): WriteQueue & { close(): void } {
  let queue: Pending[] = [];
  let scheduled = false;
  let timer: NodeJS.Timeout | null = null;
  /** Committed to the WAL, waiting for a sync that starts after their commit. */
  let unsynced: Pending[] = [];
  let syncing: Promise<void> | null = null;
  let walFd: number | null = null;
  let walIno = 0;
  /** Commits wait for this while a checkpoint must complete. */
  let held: Promise<void> | null = null;
  const holdCommits = (until: Promise<void>): void => {
    const gate: Promise<void> = until.catch(() => {}).then(() => {
      if (held !== gate) return;
      held = null;
      if (scheduled) setImmediate(commit);
    });
    held = gate;
  };

  const noSync = db.prepare('PRAGMA synchronous = NORMAL');
  const fullSync = db.prepare('PRAGMA synchronous = FULL');

  /** An fd of the current WAL file (reopened if SQLite replaced the file). */
  function wal(): number {
    const ino = statSync(walPath!).ino;
    if (walFd !== null && ino !== walIno) {
      closeSync(walFd);
      walFd = null;
    }
    if (walFd === null) {
      walFd = openSync(walPath!, 'r');
      walIno = fstatSync(walFd).ino;
    }
    return walFd;
  }

  function fail(batch: Pending[], err: unknown): void {
    // Memory and disk may disagree now: the caller's state is ahead of the database. Reject
    // everyone in the batch and let the owner decide (the server stops).
    for (const p of batch) p.reject(err);
    onFatal(err);
  }

  function startSync(): void {
    const group = unsynced;
    unsynced = [];
    let fd: number;
    try {
      fd = wal();
    } catch (err) {
      fail(group, err);
      return;
    }
    syncing = new Promise<void>((done) => {
      fdatasync(fd, (err) => {
        syncing = null;
        if (err) fail(group, err);
        else for (const p of group) p.resolve();
        if (!err) afterSync?.(holdCommits);
        if (unsynced.length > 0) startSync();
        done();
      });
    });
  }

  function commit(): void {
    if (held) { scheduled = true; return; } // runs when the hold ends
    scheduled = false;
    if (timer) { clearTimeout(timer); timer = null; }
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    if (!db.open) {
      // Shutting down: a session that ended after the last flush. Not a disk failure.
      for (const p of batch) p.reject(new Error('storage is closed'));
      return;
    }
    const async = walPath !== null;
    try {
      if (async) noSync.run();
      db.transaction(() => { for (const p of batch) p.write(); })();
    } catch (err) {
      if (async) fullSync.run();
      fail(batch, err);
      return;
    }
    if (!async) {
      for (const p of batch) p.resolve();
      return;
    }
    fullSync.run();
    unsynced.push(...batch);
    if (!syncing) startSync();
  }

  return {
    enqueue(write) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ write, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(commit);
        }
      });
    },
    enqueueDeferred(write) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ write, resolve, reject });
        if (!scheduled && !timer) timer = setTimeout(commit, DEFERRED_WRITE_MS);
      });
    },
    async flush() {
      while (held) await held;
      commit();
      while (syncing) await syncing;
    },
    inFlight: () => syncing,
    close() {
      if (walFd !== null) closeSync(walFd);
      walFd = null;
    },
  };
}
