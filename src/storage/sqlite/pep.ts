// XEP-0163 PEP nodes and items, and XEP-0049 private XML, per account. Items carry a sequence
// number so that "newest first" and trimming to max_items follow publish order, and republishing
// an id makes it the newest (XEP-0060 §7.1.2: the item is replaced).
import type Database from 'better-sqlite3';
import type { PepItemRecord, PepStore, PrivateXmlStore } from '../../core/ports.js';

interface ItemRow { item_id: string; payload: string; publisher: string; ts: number }
const toItem = (r: ItemRow): PepItemRecord => ({ id: r.item_id, payload: r.payload, publisher: r.publisher, ts: r.ts });

export function sqlitePepStore(db: Database.Database): PepStore {
  const getNode = db.prepare<[string, string], { config: string }>('SELECT config FROM pep_nodes WHERE owner = ? AND node = ?');
  const nodes = db.prepare<[string], { node: string }>('SELECT node FROM pep_nodes WHERE owner = ? ORDER BY node');
  const putNode = db.prepare(
    `INSERT INTO pep_nodes (owner, node, config) VALUES (?, ?, ?)
     ON CONFLICT (owner, node) DO UPDATE SET config = excluded.config`);
  const delNode = db.prepare('DELETE FROM pep_nodes WHERE owner = ? AND node = ?');
  const purge = db.prepare('DELETE FROM pep_items WHERE owner = ? AND node = ?');
  const nextSeq = db.prepare<[], { s: number | null }>('SELECT MAX(seq) AS s FROM pep_items');
  const putItem = db.prepare(
    `INSERT INTO pep_items (owner, node, item_id, seq, payload, publisher, ts) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (owner, node, item_id) DO UPDATE SET seq = excluded.seq, payload = excluded.payload,
       publisher = excluded.publisher, ts = excluded.ts`);
  const trim = db.prepare(
    `DELETE FROM pep_items WHERE owner = ? AND node = ? AND seq NOT IN
       (SELECT seq FROM pep_items WHERE owner = ? AND node = ? ORDER BY seq DESC LIMIT ?)`);
  const items = db.prepare<[string, string, number], ItemRow>(
    'SELECT item_id, payload, publisher, ts FROM pep_items WHERE owner = ? AND node = ? ORDER BY seq DESC LIMIT ?');
  const item = db.prepare<[string, string, string], ItemRow>(
    'SELECT item_id, payload, publisher, ts FROM pep_items WHERE owner = ? AND node = ? AND item_id = ?');
  const retract = db.prepare('DELETE FROM pep_items WHERE owner = ? AND node = ? AND item_id = ?');
  return {
    getNode(owner, node) {
      const r = getNode.get(owner, node);
      return r ? JSON.parse(r.config) : null;
    },
    nodes: (owner) => nodes.all(owner).map((r) => r.node),
    putNode(owner, node, config) { putNode.run(owner, node, JSON.stringify(config)); },
    deleteNode: db.transaction((owner: string, node: string) => {
      purge.run(owner, node);
      delNode.run(owner, node);
    }),
    putItem: db.transaction((owner: string, node: string, it: PepItemRecord, max: number | null) => {
      putItem.run(owner, node, it.id, (nextSeq.get()?.s ?? 0) + 1, it.payload, it.publisher, it.ts);
      if (max !== null) trim.run(owner, node, owner, node, max);
    }),
    items: (owner, node, limit = -1) => items.all(owner, node, limit).map(toItem),
    item(owner, node, id) {
      const r = item.get(owner, node, id);
      return r ? toItem(r) : null;
    },
    retract: (owner, node, id) => retract.run(owner, node, id).changes > 0,
    purge(owner, node) { purge.run(owner, node); },
  };
}

export function sqlitePrivateXmlStore(db: Database.Database): PrivateXmlStore {
  const get = db.prepare<[string, string], { value: string }>('SELECT value FROM private_xml WHERE owner = ? AND key = ?');
  const put = db.prepare(
    'INSERT INTO private_xml (owner, key, value) VALUES (?, ?, ?) ON CONFLICT (owner, key) DO UPDATE SET value = excluded.value');
  const del = db.prepare('DELETE FROM private_xml WHERE owner = ? AND key = ?');
  return {
    get: (owner, key) => get.get(owner, key)?.value ?? null,
    put(owner, key, value) {
      if (value === null) del.run(owner, key);
      else put.run(owner, key, value);
    },
  };
}
