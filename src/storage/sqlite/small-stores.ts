// Client transaction ids, the XMPP roster and a key-value table: small stores kept together.
import type Database from 'better-sqlite3';
import type { KeyValueStore, RosterItem, RosterStore, TxnStore } from '../../core/ports.js';

export function sqliteTxnStore(db: Database.Database): TxnStore {
  const get = db.prepare<[string, string, string], { event_id: string }>(
    'SELECT event_id FROM client_txns WHERE user_id = ? AND device_id = ? AND txn_id = ?');
  const put = db.prepare('INSERT OR IGNORE INTO client_txns (user_id, device_id, txn_id, event_id, ts) VALUES (?, ?, ?, ?, ?)');
  return {
    get: (u, d, t) => get.get(u, d, t)?.event_id ?? null,
    put(u, d, t, e, ts) { put.run(u, d, t, e, ts); },
  };
}

interface RosterRow { jid: string; name: string | null; subscription: string; ask: number; pending_in: number; approved: number; groups: string }

function toItem(r: RosterRow): RosterItem {
  return {
    jid: r.jid, name: r.name, subscription: r.subscription as RosterItem['subscription'],
    ask: r.ask === 1, pendingIn: r.pending_in === 1, groups: JSON.parse(r.groups),
    ...(r.approved === 1 ? { approved: true } : {}),
  };
}

export function sqliteRosterStore(db: Database.Database): RosterStore {
  const items = db.prepare<[string], RosterRow>('SELECT * FROM roster WHERE user = ? ORDER BY jid');
  const item = db.prepare<[string, string], RosterRow>('SELECT * FROM roster WHERE user = ? AND jid = ?');
  const put = db.prepare(
    `INSERT INTO roster (user, jid, name, subscription, ask, pending_in, approved, groups) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (user, jid) DO UPDATE SET name = excluded.name, subscription = excluded.subscription,
       ask = excluded.ask, pending_in = excluded.pending_in, approved = excluded.approved, groups = excluded.groups`);
  const remove = db.prepare('DELETE FROM roster WHERE user = ? AND jid = ?');
  const version = db.prepare<[string], { version: number }>('SELECT version FROM roster_versions WHERE user = ?');
  const bump = db.prepare(
    `INSERT INTO roster_versions (user, version) VALUES (?, 1)
     ON CONFLICT (user) DO UPDATE SET version = version + 1`);
  const currentVersion = (user: string) => version.get(user)?.version ?? 0;
  return {
    items: (user) => items.all(user).map(toItem),
    item(user, jid) {
      const r = item.get(user, jid);
      return r ? toItem(r) : null;
    },
    put: db.transaction((user: string, it: RosterItem) => {
      put.run(user, it.jid, it.name, it.subscription, it.ask ? 1 : 0, it.pendingIn ? 1 : 0, it.approved ? 1 : 0, JSON.stringify(it.groups));
      bump.run(user);
      return currentVersion(user);
    }),
    remove: db.transaction((user: string, jid: string) => {
      remove.run(user, jid);
      bump.run(user);
      return currentVersion(user);
    }),
    version: currentVersion,
  };
}

export function sqliteKeyValueStore(db: Database.Database): KeyValueStore {
  const get = db.prepare<[string, string], { value: string }>('SELECT value FROM kv WHERE ns = ? AND key = ?');
  const put = db.prepare('INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value');
  return {
    get: (ns, key) => get.get(ns, key)?.value ?? null,
    put(ns, key, value) { put.run(ns, key, value); },
  };
}
