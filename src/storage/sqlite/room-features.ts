// Indexes and small tables behind the room features of the Client-Server API: relations
// (m.relates_to), full-text search, the public room directory, reports and forgotten rooms.
// The relation and search indexes are filled by indexEvent, called in the event's own write.
import type Database from 'better-sqlite3';
import type {
  EventWrite, ForgottenRoomStore, PublicRoomStore, RelationRow, RelationStore, ReportStore, SearchHit, SearchStore,
} from '../../core/ports.js';
import type { EventLinks } from './event-links.js';

/** What one event adds to the indexes; run inside writeEvent's transaction. Returns the id of the event it relates to, if any. */
export function eventIndexer(db: Database.Database): (w: EventWrite) => string | null {
  const insRel = db.prepare('INSERT OR IGNORE INTO event_relations (event_id, room_id, parent_id, rel_type, type, sender, key, stream) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insText = db.prepare('INSERT INTO event_search (body, event_id, room_id, stream) VALUES (?, ?, ?, ?)');
  const delRel = db.prepare('DELETE FROM event_relations WHERE event_id = ?');
  const delText = db.prepare('DELETE FROM event_search WHERE event_id = ?');
  return (w) => {
    const p = w.pdu;
    // A redacted event loses its content, so it must stop counting as a relation or a hit.
    if (w.redacts) { delRel.run(w.redacts); delText.run(w.redacts); }
    const c = p.content as Record<string, unknown>;
    const rel = c['m.relates_to'] as Record<string, unknown> | undefined;
    const parent = rel && typeof rel === 'object' && typeof rel.rel_type === 'string' && typeof rel.event_id === 'string' ? rel.event_id : null;
    if (parent !== null) {
      const key = typeof rel!.key === 'string' ? rel!.key : null;
      insRel.run(w.eventId, p.room_id, parent, rel!.rel_type, p.type, p.sender, key, w.stream);
    }
    if (p.state_key === undefined && p.type === 'm.room.message' && typeof c.body === 'string') insText.run(c.body, w.eventId, p.room_id, w.stream);
    if ((p.type === 'm.room.name' || p.type === 'm.room.topic') && p.state_key === '') {
      const text = p.type === 'm.room.name' ? c.name : c.topic;
      if (typeof text === 'string') insText.run(text, w.eventId, p.room_id, w.stream);
    }
    return parent;
  };
}

export function sqliteRelationStore(db: Database.Database, links: EventLinks): RelationStore {
  type Row = { event_id: string; rel_type: string; type: string; sender: string; key: string | null; stream: number };
  const children = db.prepare<[string, number, number, number], Row>(
    'SELECT event_id, rel_type, type, sender, key, stream FROM event_relations WHERE parent_id = ? AND stream > ? AND stream <= ? ORDER BY stream DESC LIMIT ?');
  const childrenAsc = db.prepare<[string, number, number, number], Row>(
    'SELECT event_id, rel_type, type, sender, key, stream FROM event_relations WHERE parent_id = ? AND stream > ? AND stream <= ? ORDER BY stream ASC LIMIT ?');
  const has = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM event_relations WHERE parent_id = ? LIMIT 1');
  const threads = db.prepare<[string, number], { parent_id: string; last: number }>(
    `SELECT parent_id, MAX(stream) AS last FROM event_relations WHERE room_id = ? AND rel_type = 'm.thread' AND stream <= ?
     GROUP BY parent_id ORDER BY last DESC`);
  const toRow = (r: Row): RelationRow => ({ eventId: r.event_id, relType: r.rel_type, type: r.type, sender: r.sender, key: r.key, stream: r.stream });
  return {
    children: (parentId, from, to, limit, newestFirst) => (newestFirst ? children : childrenAsc).all(parentId, from, to, limit).map(toRow),
    hasChildren: (parentId) => links.hasChildren(parentId, (id) => has.get(id) !== undefined),
    threadRoots: (roomId, upTo) => threads.all(roomId, upTo).map((r) => ({ rootId: r.parent_id, latestStream: r.last })),
  };
}

/** Control characters, and surrogates that are not half of a pair. */
const UNSEARCHABLE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function sqliteSearchStore(db: Database.Database): SearchStore {
  const q = db.prepare<[string, number], { event_id: string; room_id: string; stream: number; rank: number }>(
    'SELECT event_id, room_id, CAST(stream AS INTEGER) AS stream, rank FROM event_search WHERE event_search MATCH ? ORDER BY rank LIMIT ?');
  return {
    search(terms, limit): SearchHit[] {
      // Each word becomes a quoted FTS5 string, so user input can never be FTS5 syntax. FTS5 ends
      // a string at NUL and refuses broken UTF-16: control characters and lone surrogates go.
      const words = terms.replace(UNSEARCHABLE, ' ').split(/\s+/).filter(Boolean).map((w) => `"${w.replace(/"/g, '""')}"`);
      if (words.length === 0) return [];
      return q.all(words.join(' '), limit).map((r) => ({ eventId: r.event_id, roomId: r.room_id, stream: r.stream, rank: r.rank }));
    },
  };
}

export function sqlitePublicRoomStore(db: Database.Database): PublicRoomStore {
  const add = db.prepare('INSERT OR IGNORE INTO room_directory (room_id, added_ts) VALUES (?, ?)');
  const del = db.prepare('DELETE FROM room_directory WHERE room_id = ?');
  const has = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM room_directory WHERE room_id = ?');
  const list = db.prepare<[], { room_id: string }>('SELECT room_id FROM room_directory ORDER BY added_ts, room_id');
  return {
    set: (roomId, visible) => { if (visible) add.run(roomId, Date.now()); else del.run(roomId); },
    isPublic: (roomId) => has.get(roomId) !== undefined,
    list: () => list.all().map((r) => r.room_id),
  };
}

export function sqliteReportStore(db: Database.Database): ReportStore {
  const ins = db.prepare('INSERT INTO event_reports (room_id, event_id, user_id, reason, score, ts) VALUES (?, ?, ?, ?, ?, ?)');
  type Row = { id: number; room_id: string; event_id: string | null; user_id: string; reason: string | null; score: number | null; ts: number };
  const list = db.prepare<[], Row>('SELECT * FROM event_reports ORDER BY id');
  const insUser = db.prepare('INSERT INTO user_reports (target_user_id, user_id, reason, ts) VALUES (?, ?, ?, ?)');
  type UserRow = { id: number; target_user_id: string; user_id: string; reason: string | null; ts: number };
  const listUsers = db.prepare<[], UserRow>('SELECT * FROM user_reports ORDER BY id');
  return {
    add: (r) => Number(ins.run(r.roomId, r.eventId, r.userId, r.reason, r.score, r.ts).lastInsertRowid),
    list: () => list.all().map((r) => ({ id: r.id, roomId: r.room_id, eventId: r.event_id, userId: r.user_id, reason: r.reason, score: r.score, ts: r.ts })),
    addUser: (r) => Number(insUser.run(r.targetUserId, r.userId, r.reason, r.ts).lastInsertRowid),
    listUsers: () => listUsers.all().map((r) => ({ id: r.id, targetUserId: r.target_user_id, userId: r.user_id, reason: r.reason, ts: r.ts })),
  };
}

export function sqliteForgottenRoomStore(db: Database.Database): ForgottenRoomStore {
  const ins = db.prepare('INSERT OR REPLACE INTO forgotten_rooms (user_id, room_id, event_id) VALUES (?, ?, ?)');
  const del = db.prepare('DELETE FROM forgotten_rooms WHERE user_id = ? AND room_id = ?');
  const get = db.prepare<[string, string], { event_id: string | null }>('SELECT event_id FROM forgotten_rooms WHERE user_id = ? AND room_id = ?');
  return {
    forget: (userId, roomId, eventId) => { ins.run(userId, roomId, eventId); },
    unforget: (userId, roomId) => { del.run(userId, roomId); },
    isForgotten(userId, roomId, eventId) {
      const r = get.get(userId, roomId);
      return r !== undefined && (eventId === undefined || r.event_id === null || r.event_id === eventId);
    },
  };
}
