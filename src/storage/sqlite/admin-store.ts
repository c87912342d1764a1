// What the admin API needs beyond the per-feature stores: whole-server counts and purging a
// room's history. Kept apart so no other caller gets a handle that deletes rooms.
import type Database from 'better-sqlite3';
import type { AdminStore } from '../../core/ports.js';
import type { RecentEvents } from './recent-events.js';
import type { MembershipCache } from './membership-cache.js';
import type { StateGroupCache } from './state-group-cache.js';
import type { EventLinks } from './event-links.js';

export function sqliteAdminStore(db: Database.Database, recent: RecentEvents, memberships: MembershipCache, groups: StateGroupCache, links: EventLinks): AdminStore {
  const count = (sql: string) => db.prepare<[], { n: number }>(sql);
  const counts = {
    users: count('SELECT COUNT(*) AS n FROM accounts WHERE deactivated = 0'),
    deactivated: count('SELECT COUNT(*) AS n FROM accounts WHERE deactivated = 1'),
    rooms: count('SELECT COUNT(*) AS n FROM rooms'),
    events: count('SELECT COUNT(*) AS n FROM events'),
    devices: count('SELECT COUNT(*) AS n FROM devices'),
  };
  const roomEvents = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM events WHERE room_id = ?');
  // Redactions first: they are found through the room's events. Tables of features that may
  // not exist in this schema yet are skipped; a user's own key backup and the reports stay.
  const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name));
  const perRoom = ['event_relations', 'event_search', 'room_directory', 'forgotten_rooms', 'receipts', 'events', 'state_groups',
    'memberships', 'room_aliases', 'account_data', 'rooms'];
  const purge = [
    db.prepare('DELETE FROM redactions WHERE target_id IN (SELECT event_id FROM events WHERE room_id = ?)'),
    ...perRoom.filter((t) => tables.has(t)).map((t) => db.prepare(`DELETE FROM ${t} WHERE room_id = ?`)),
  ];
  const purgeRows = db.transaction((roomId: string) => { for (const st of purge) st.run(roomId); });
  return {
    counts: () => ({
      users: counts.users.get()!.n,
      deactivatedUsers: counts.deactivated.get()!.n,
      rooms: counts.rooms.get()!.n,
      events: counts.events.get()!.n,
      devices: counts.devices.get()!.n,
    }),
    roomEventCount: (roomId) => roomEvents.get(roomId)!.n,
    purgeRoom: (roomId) => {
      purgeRows(roomId);
      recent.forgetRoom(roomId);
      memberships.clear();
      groups.clear();
      links.clear();
    },
  };
}
