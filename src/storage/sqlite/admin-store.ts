// What the admin API needs beyond the per-feature stores: whole-server counts and purging a
// room's history. Kept apart so no other caller gets a handle that deletes rooms.
import type Database from 'better-sqlite3';
import type { AdminStore } from '../../core/ports.js';

export function sqliteAdminStore(db: Database.Database): AdminStore {
  const count = (sql: string) => db.prepare<[], { n: number }>(sql);
  const counts = {
    users: count('SELECT COUNT(*) AS n FROM accounts WHERE deactivated = 0'),
    deactivated: count('SELECT COUNT(*) AS n FROM accounts WHERE deactivated = 1'),
    rooms: count('SELECT COUNT(*) AS n FROM rooms'),
    events: count('SELECT COUNT(*) AS n FROM events'),
    devices: count('SELECT COUNT(*) AS n FROM devices'),
  };
  const roomEvents = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM events WHERE room_id = ?');
  // Redactions first: they are found through the room's events.
  const purge = [
    'DELETE FROM redactions WHERE target_id IN (SELECT event_id FROM events WHERE room_id = ?)',
    'DELETE FROM events WHERE room_id = ?',
    'DELETE FROM state_groups WHERE room_id = ?',
    'DELETE FROM memberships WHERE room_id = ?',
    'DELETE FROM room_aliases WHERE room_id = ?',
    'DELETE FROM account_data WHERE room_id = ?',
    'DELETE FROM rooms WHERE room_id = ?',
  ].map((sql) => db.prepare(sql));
  return {
    counts: () => ({
      users: counts.users.get()!.n,
      deactivatedUsers: counts.deactivated.get()!.n,
      rooms: counts.rooms.get()!.n,
      events: counts.events.get()!.n,
      devices: counts.devices.get()!.n,
    }),
    roomEventCount: (roomId) => roomEvents.get(roomId)!.n,
    purgeRoom: db.transaction((roomId: string) => { for (const st of purge) st.run(roomId); }),
  };
}
