import type Database from 'better-sqlite3';
import type { AccountRecord, AccountRestriction, AccountStore } from '../../core/ports.js';
import type { ScramCredential, ScramHash } from '../../core/accounts/scram.js';
import type { SessionCache } from './session-cache.js';

interface AccountRow {
  localpart: string; created_ts: number; admin: number; deactivated: number;
  displayname: string | null; avatar_url: string | null; locked: number; suspended: number;
}

function toRecord(r: AccountRow): AccountRecord {
  return {
    localpart: r.localpart, createdTs: r.created_ts, admin: r.admin === 1, deactivated: r.deactivated === 1,
    displayname: r.displayname, avatarUrl: r.avatar_url, locked: r.locked === 1, suspended: r.suspended === 1,
  };
}

/** `dataVersion` moves when another connection has committed (PRAGMA data_version). */
export function sqliteAccountStore(db: Database.Database, sessions: SessionCache, dataVersion: () => number = () => 0): AccountStore {
  const insert = db.prepare('INSERT OR IGNORE INTO accounts (localpart, created_ts, admin) VALUES (?, ?, ?)');
  const get = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE localpart = ?');
  const list = db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY localpart');
  const deactivated = db.prepare<[], string>('SELECT localpart FROM accounts WHERE deactivated = 1').pluck();
  const cred = db.prepare<[string, string], { salt: Buffer; iterations: number; stored_key: Buffer; server_key: Buffer }>(
    `SELECT c.salt, c.iterations, c.stored_key, c.server_key FROM scram_credentials c
     JOIN accounts a ON a.localpart = c.localpart WHERE c.localpart = ? AND c.hash = ? AND a.deactivated = 0`);
  const delCreds = db.prepare('DELETE FROM scram_credentials WHERE localpart = ?');
  const putCred = db.prepare(
    'INSERT INTO scram_credentials (localpart, hash, salt, iterations, stored_key, server_key) VALUES (?, ?, ?, ?, ?, ?)');
  const setAdmin = db.prepare('UPDATE accounts SET admin = ? WHERE localpart = ?');
  const deactivate = db.prepare('UPDATE accounts SET deactivated = 1 WHERE localpart = ?');
  const delTokens = db.prepare('DELETE FROM access_tokens WHERE user_id = ?');
  const delDevices = db.prepare('DELETE FROM devices WHERE user_id = ?');
  const delFastTokens = db.prepare('DELETE FROM fast_tokens WHERE localpart = ?');
  const delPushers = db.prepare('DELETE FROM pushers WHERE user_id = ?');
  const delConns = db.prepare('DELETE FROM sliding_connections WHERE user_id = ?');
  const setDisplayname = db.prepare('UPDATE accounts SET displayname = ? WHERE localpart = ?');
  const setAvatar = db.prepare('UPDATE accounts SET avatar_url = ? WHERE localpart = ?');
  const restrictedRows = db.prepare<[], { localpart: string; locked: number; suspended: number }>(
    'SELECT localpart, locked, suspended FROM accounts WHERE locked = 1 OR suspended = 1');
  const setLocked = db.prepare('UPDATE accounts SET locked = ? WHERE localpart = ?');
  const setSuspended = db.prepare('UPDATE accounts SET suspended = ? WHERE localpart = ?');
  // The few restricted accounts, in memory: read again after our own change or another process's commit.
  let restricted: Map<string, AccountRestriction> | null = null;
  let restrictedAt = dataVersion();
  const restrictions = (): Map<string, AccountRestriction> => {
    const v = dataVersion();
    if (restricted && v === restrictedAt) return restricted;
    restrictedAt = v;
    restricted = new Map(restrictedRows.all().map((r) => [r.localpart, r.locked === 1 ? 'locked' : 'suspended']));
    return restricted;
  };

  const writeCreds = (localpart: string, creds: ScramCredential[]) => {
    delCreds.run(localpart);
    // XEP-0484: a new password ends every FAST token (a stolen device must not outlive it).
    delFastTokens.run(localpart);
    for (const c of creds) putCred.run(localpart, c.hash, c.salt, c.iterations, c.storedKey, c.serverKey);
  };

  return {
    createAccount: db.transaction((localpart: string, createdTs: number, admin: boolean, creds: ScramCredential[]) => {
      if (insert.run(localpart, createdTs, admin ? 1 : 0).changes === 0) return false;
      writeCreds(localpart, creds);
      return true;
    }),
    getAccount(localpart) {
      const r = get.get(localpart);
      return r ? toRecord(r) : null;
    },
    listAccounts: () => list.all().map(toRecord),
    deactivatedLocalparts: () => deactivated.all(),
    credential(localpart, hash: ScramHash) {
      const r = cred.get(localpart, hash);
      return r ? { hash, salt: r.salt, iterations: r.iterations, storedKey: r.stored_key, serverKey: r.server_key } : null;
    },
    setCredentials: db.transaction(writeCreds),
    setAdmin(localpart, admin) { setAdmin.run(admin ? 1 : 0, localpart); },
    restriction: (localpart) => restrictions().get(localpart) ?? null,
    restricted: () => restrictions(),
    setRestriction(localpart, what, on) {
      (what === 'locked' ? setLocked : setSuspended).run(on ? 1 : 0, localpart);
      restricted = null;
    },
    deactivate: db.transaction((localpart: string, userId: string) => {
      deactivate.run(localpart);
      delCreds.run(localpart);
      delFastTokens.run(localpart);
      delTokens.run(userId);
      sessions.clear();
      delDevices.run(userId);
      delPushers.run(userId);
      delConns.run(userId);
    }),
    setProfile(localpart, field, value) {
      (field === 'displayname' ? setDisplayname : setAvatar).run(value, localpart);
    },
  };
}
