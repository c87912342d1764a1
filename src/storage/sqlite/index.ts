import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Storage } from '../../core/ports.js';
import { migrate } from './migrations.js';
import { sqliteAccountStore } from './accounts.js';
import { sqliteFastTokenStore } from './fast-tokens.js';
import { sqliteDeviceStore } from './devices.js';
import { sqliteRoomStore } from './rooms.js';
import { sqliteEventStore } from './events.js';
import { StateGroupCache } from './state-group-cache.js';
import { EventLinks } from './event-links.js';
import { SessionCache } from './session-cache.js';
import { oncePerTurn } from './once-per-turn.js';
import { DeviceInboxMemo } from './device-inbox-memo.js';
import { RecentEvents } from './recent-events.js';
import { MembershipCache } from './membership-cache.js';
import { sqliteAccountDataStore } from './account-data.js';
import { sqliteKeyValueStore, sqliteRosterStore, sqliteTxnStore } from './small-stores.js';
import { sqliteRefreshTokenStore, sqliteRegistrationTokenStore } from './session-stores.js';
import { sqliteAdminStore } from './admin-store.js';
import { sqliteForgottenRoomStore, sqlitePublicRoomStore, sqliteRelationStore, sqliteReportStore, sqliteSearchStore } from './room-features.js';
import { sqlitePepStore, sqlitePrivateXmlStore } from './pep.js';
import { sqliteE2eeStore } from './e2ee.js';
import { sqliteKeyBackupStore } from './e2ee-backup.js';
import { sqliteMediaStore } from './media.js';
import { sqliteWriteQueue } from './write-queue.js';
import { walCheckpointer } from './checkpointer.js';
import { sqlitePusherStore, sqliteReceiptStore } from './receipts.js';
import { sqliteSlidingConnectionStore } from './sliding-connections.js';
import { sqliteThreadSubscriptionStore } from './thread-subscriptions.js';

export interface SqliteOptions {
  /** Database file path, or ':memory:' for tests. */
  path: string;
  /** Called when a commit fails; the default throws out of the event loop. */
  onFatal?: (err: unknown) => void;
  /** A WAL checkpoint failed (the server logs it; the next one retries). */
  onCheckpointError?: (err: unknown, msg: string) => void;
}

export function openSqliteStorage(opts: SqliteOptions): Storage {
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode still syncs at checkpoints; FULL syncs the WAL at every commit, which is
  // what "an acknowledged message survives a crash" needs. Group commit keeps the cost low.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // The CLI writes to the same file while the server runs.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  // Batches of the write queue sync this file themselves (write-queue.ts).
  const walPath = db.pragma('journal_mode', { simple: true }) === 'wal' ? `${db.name}-wal` : null;
  const onFatal = opts.onFatal ?? ((err) => { setImmediate(() => { throw err; }); });
  const recent = new RecentEvents();
  const memberships = new MembershipCache();
  const groups = new StateGroupCache();
  const links = new EventLinks();
  // Moves only when another connection (the CLI) commits: memos of what it may change re-read then.
  const dataVersionStmt = db.prepare('PRAGMA data_version').pluck();
  const dataVersion = oncePerTurn(() => dataVersionStmt.get() as number);
  const sessions = new SessionCache(Date.now, dataVersion);
  const inboxes = new DeviceInboxMemo();
  // A failed commit rolled back events the caches already hold.
  // WAL checkpoints run in a worker, not inside a commit on the main thread (checkpointer.ts).
  const checkpoints = walPath ? walCheckpointer(db, opts.onCheckpointError ?? (() => {})) : null;
  if (checkpoints) db.pragma('wal_autocheckpoint = 0');
  const writes = sqliteWriteQueue(db, (err) => { recent.clear(); memberships.clear(); groups.clear(); links.clear(); inboxes.clear(); onFatal(err); }, walPath,
    checkpoints ? (hold) => checkpoints.walGrew(hold) : undefined);
  return {
    accounts: sqliteAccountStore(db, sessions, dataVersion),
    devices: sqliteDeviceStore(db, sessions),
    fastTokens: sqliteFastTokenStore(db),
    rooms: sqliteRoomStore(db, memberships),
    events: sqliteEventStore(db, recent, memberships, groups, links),
    accountData: sqliteAccountDataStore(db),
    txns: sqliteTxnStore(db),
    roster: sqliteRosterStore(db),
    kv: sqliteKeyValueStore(db),
    media: sqliteMediaStore(db),
    registrationTokens: sqliteRegistrationTokenStore(db),
    refreshTokens: sqliteRefreshTokenStore(db, sessions),
    admin: sqliteAdminStore(db, recent, memberships, groups, links),
    relations: sqliteRelationStore(db, links),
    search: sqliteSearchStore(db),
    publicRooms: sqlitePublicRoomStore(db),
    reports: sqliteReportStore(db),
    forgottenRooms: sqliteForgottenRoomStore(db),
    slidingConnections: sqliteSlidingConnectionStore(db),
    threadSubscriptions: sqliteThreadSubscriptionStore(db),
    pep: sqlitePepStore(db),
    privateXml: sqlitePrivateXmlStore(db),
    e2ee: sqliteE2eeStore(db, inboxes),
    keyBackup: sqliteKeyBackupStore(db),
    receipts: sqliteReceiptStore(db),
    pushers: sqlitePusherStore(db),
    writes,
    close: () => {
      checkpoints?.close();
      writes.close();
      db.close();
    },
  };
}
