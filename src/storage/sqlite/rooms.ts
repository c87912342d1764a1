import type Database from 'better-sqlite3';
import type { MembershipCache, MembershipRow } from './membership-cache.js';
import type { RoomRecord, RoomStore } from '../../core/ports.js';

interface RoomRow {
  room_id: string; version: string; creator: string; created_ts: number;
  head_event_id: string; head_depth: number; head_state_group: number;
}

function toRecord(r: RoomRow): RoomRecord {
  return {
    roomId: r.room_id, version: r.version, creator: r.creator, createdTs: r.created_ts,
    headEventId: r.head_event_id, headDepth: r.head_depth, headStateGroup: r.head_state_group,
  };
}

export function sqliteRoomStore(db: Database.Database, cache: MembershipCache): RoomStore {
  const get = db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE room_id = ?');
  const list = db.prepare<[], RoomRow>('SELECT * FROM rooms ORDER BY created_ts');
  type Row = { room_id: string; user_id: string; membership: string; stream: number; event_id: string };
  const toRow = (r: Row): MembershipRow => ({ roomId: r.room_id, userId: r.user_id, membership: r.membership, stream: r.stream, eventId: r.event_id });
  // In the order the indexes give (the order callers always saw).
  const ofUser = db.prepare<[string], Row>(
    'SELECT room_id, user_id, membership, stream, event_id FROM memberships WHERE user_id = ? ORDER BY membership, rowid');
  const ofRoom = db.prepare<[string], Row>(
    'SELECT room_id, user_id, membership, stream, event_id FROM memberships WHERE room_id = ? ORDER BY user_id');
  const latestMembership = db.prepare<[string], { m: number | null }>('SELECT MAX(stream) AS m FROM memberships WHERE room_id = ?');
  const getAlias = db.prepare<[string], { room_id: string }>('SELECT room_id FROM room_aliases WHERE alias = ?');
  const aliasesOf = db.prepare<[string], { alias: string }>('SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY alias');
  const putAlias = db.prepare('INSERT OR IGNORE INTO room_aliases (alias, room_id, creator) VALUES (?, ?, ?)');
  const delAlias = db.prepare('DELETE FROM room_aliases WHERE alias = ?');

  return {
    getRoom(roomId) {
      const r = get.get(roomId);
      return r ? toRecord(r) : null;
    },
    listRooms: () => list.all().map(toRecord),
    roomsForUser(userId, memberships) {
      const rows = cache.ofUser(userId, () => ofUser.all(userId).map(toRow));
      return rows.filter((r) => memberships.includes(r.membership))
        .map((r) => ({ roomId: r.roomId, membership: r.membership, stream: r.stream, eventId: r.eventId }));
    },
    members: (roomId) => cache.ofRoom(roomId, () => ofRoom.all(roomId).map(toRow)).map((r) => ({ userId: r.userId, membership: r.membership })),
    latestMembershipStream: (roomId) => latestMembership.get(roomId)?.m ?? 0,
    getAlias: (alias) => getAlias.get(alias)?.room_id ?? null,
    aliasesOf: (roomId) => aliasesOf.all(roomId).map((r) => r.alias),
    putAlias: (alias, roomId, creator) => putAlias.run(alias, roomId, creator).changes > 0,
    deleteAlias(alias) { delAlias.run(alias); },
  };
}
