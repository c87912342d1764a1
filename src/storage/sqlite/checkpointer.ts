// WAL checkpoints off the main thread.
//
// Left to itself, SQLite checkpoints inside the commit that takes the WAL past
// wal_autocheckpoint (1,000 pages): it copies those pages into the database file and syncs both
// files, and with better-sqlite3 that commit runs on the main thread. Every message that waited
// for that turn waited for two disk syncs: the 1:1 XMPP messages at light load had p50 2.8 ms
// and p99 10.7 ms, and a core-only run of 4-message commits measured commits of p50 0.29 ms,
// p99 9.9 ms with automatic checkpoints and p99 1.5 ms without (docs/performance.md, session 4).
//
// So the main connection never checkpoints by itself (wal_autocheckpoint = 0). After each WAL
// sync the write queue calls walGrew(); once the WAL holds CHECKPOINT_FRAMES frames not yet
// copied, a worker thread with its own connection runs a PASSIVE checkpoint, which never blocks
// the writer and is crash-safe at any point (SQLite's own protocol: it syncs the WAL, copies,
// syncs the database file). The worker starts at the first checkpoint and exits after
// IDLE_EXIT_MS without one, so an idle server holds no second isolate. If it cannot run, the
// checkpoint runs on the main thread as before.
//
// SQLite starts the WAL file over only when a write begins with every frame copied. Under
// steady load, commits land while the worker copies, so that never happens by itself and the
// file would grow without end. Once it holds WAL_RESTART_FRAMES, the write queue holds its
// commits (the event loop runs on; their callers wait) until a checkpoint completes, and the
// next commit starts the file over. That wait is one checkpoint of what came since the last,
// at most once per RESTART_HOLD_GAP_MS: a reader on an old snapshot (another process) keeps a
// checkpoint from completing, and commits must not then wait at every sync.
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** SQLite's default wal_autocheckpoint: checkpoint once this many frames wait to be copied. */
export const CHECKPOINT_FRAMES = 1000;
/** With this many frames (64 MiB of 4 KiB pages), commits wait for a complete checkpoint so that the WAL starts over. */
export const WAL_RESTART_FRAMES = 16_384;
const RESTART_HOLD_GAP_MS = 1000;
const IDLE_EXIT_MS = 10_000;

export interface Checkpointer {
  /** After a WAL sync: checkpoint if enough frames wait. Cheap (one 104-byte read). */
  walGrew(holdCommits: (until: Promise<void>) => void): void;
  close(): void;
}

/**
 * The frames in the WAL and those not yet copied to the database file, from the wal-index (the
 * -shm file), whose layout is SQLite's documented file format (walformat.html §2.2): the
 * header's mxFrame at byte 16 and the checkpoint info's nBackfill at byte 96, native byte order.
 */
export function walFrames(shm: Buffer): { frames: number; pending: number } {
  if (shm.length < 100) return { frames: 0, pending: 0 };
  const le = endianness() === 'LE';
  const frames = le ? shm.readUInt32LE(16) : shm.readUInt32BE(16);
  const backfilled = le ? shm.readUInt32LE(96) : shm.readUInt32BE(96);
  return { frames, pending: Math.max(0, frames - backfilled) };
}

export interface CheckpointLimits { checkpointFrames: number; restartFrames: number; idleExitMs: number }
const LIMITS: CheckpointLimits = { checkpointFrames: CHECKPOINT_FRAMES, restartFrames: WAL_RESTART_FRAMES, idleExitMs: IDLE_EXIT_MS };

export function walCheckpointer(db: Database.Database, logWarn: (err: unknown, msg: string) => void, limits: CheckpointLimits = LIMITS): Checkpointer {
  const shmPath = `${db.name}-shm`;
  let shmFd: number | null = null;
  const header = Buffer.alloc(104);
  let worker: Worker | null = null;
  /** Settles the checkpoint in progress. */
  let running: (() => void) | null = null;
  let closed = false;
  let idle: NodeJS.Timeout | null = null;
  let lastHold = -Infinity;

  function onMainThread(): void {
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { logWarn(err, 'sqlite: WAL checkpoint failed'); }
  }

  function settle(): void {
    const done = running;
    running = null;
    done?.();
  }

  function stopWorker(): void {
    if (idle) { clearTimeout(idle); idle = null; }
    const w = worker;
    worker = null;
    void w?.terminate();
    settle();
  }

  function startWorker(): Worker {
    const w = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { path: db.name } });
    w.unref();
    w.on('message', (m: { error?: string }) => {
      settle();
      if (m.error) logWarn(new Error(m.error), 'sqlite: WAL checkpoint failed');
      if (idle) clearTimeout(idle);
      idle = setTimeout(stopWorker, limits.idleExitMs);
      idle.unref();
    });
    w.on('error', (err) => {
      logWarn(err, 'sqlite: checkpoint worker failed; checkpointing on the main thread');
      if (worker === w) { onMainThread(); stopWorker(); }
    });
    return w;
  }

  return {
    walGrew(holdCommits) {
      if (running || closed) return;
      try {
        shmFd ??= openSync(shmPath, 'r');
        readSync(shmFd, header, 0, header.length, 0);
      } catch {
        return; // no wal-index to read: nothing to decide on
      }
      const { frames, pending } = walFrames(header);
      const restart = frames >= limits.restartFrames && pending > 0 && performance.now() - lastHold >= RESTART_HOLD_GAP_MS;
      if (pending < limits.checkpointFrames && !restart) return;
      const done = new Promise<void>((resolve) => { running = resolve; });
      if (restart) { holdCommits(done); lastHold = performance.now(); }
      if (idle) { clearTimeout(idle); idle = null; }
      try {
        (worker ??= startWorker()).postMessage('checkpoint');
      } catch (err) {
        logWarn(err, 'sqlite: checkpoint worker did not start; checkpointing on the main thread');
        onMainThread();
        stopWorker();
      }
    },
    close() {
      closed = true;
      stopWorker();
      if (shmFd !== null) closeSync(shmFd);
      shmFd = null;
    },
  };
}
