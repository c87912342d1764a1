// The worker thread of checkpointer.ts: its own connection to the database, one PASSIVE WAL
// checkpoint per request (never blocks the main connection's writes), answered when done.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database((workerData as { path: string }).path, { fileMustExist: true });
// Any synchronous but OFF makes the checkpoint sync the WAL before it copies and the database after.
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
parentPort!.on('message', () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort!.postMessage({});
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
  }
});
