import type Database from 'better-sqlite3';
import { placeholders, statementCache } from './statements.js';
import type { EventStore, EventWrite, StoredEvent } from '../../core/ports.js';
import type { StateTuple } from '../../core/events/types.js';
import { eventIndexer } from './room-features.js';
import type { RecentEvents } from './recent-events.js';
import type { MembershipCache } from './membership-cache.js';
import type { StateGroupCache, StateMap } from './state-group-cache.js';
import type { EventLinks } from './event-links.js';

interface EventRow { stream: number; event_id: string; state_group: number; json: string }

function toStored(r: EventRow): StoredEvent {
  return { stream: r.stream, eventId: r.event_id, stateGroup: r.state_group, pdu: JSON.parse(r.json) };
}

export function sqliteEventStore(db: Database.Database, recent: RecentEvents, memberships: MembershipCache, groups: StateGroupCache, links: EventLinks): EventStore {
  const prepared = statementCache(db);
  // Relations and full-text search are indexed in the event's own transaction.
  const indexEvent = eventIndexer(db);
  const maxStream = db.prepare<[], { m: number | null }>('SELECT MAX(stream) AS m FROM events');
  const getEvent = db.prepare<[string], EventRow>('SELECT stream, event_id, state_group, json FROM events WHERE event_id = ?');
  const between = db.prepare<[string, number, number, number], EventRow>(
    'SELECT stream, event_id, state_group, json FROM events WHERE room_id = ? AND stream > ? AND stream <= ? ORDER BY stream ASC LIMIT ?');
  const betweenDesc = db.prepare<[string, number, number, number], EventRow>(
    'SELECT stream, event_id, state_group, json FROM events WHERE room_id = ? AND stream > ? AND stream <= ? ORDER BY stream DESC LIMIT ?');
  const before = db.prepare<[string, number, number], EventRow>(
    'SELECT stream, event_id, state_group, json FROM events WHERE room_id = ? AND stream < ? ORDER BY stream DESC LIMIT ?');
  const after = db.prepare<[string, number, number], EventRow>(
    'SELECT stream, event_id, state_group, json FROM events WHERE room_id = ? AND stream > ? ORDER BY stream ASC LIMIT ?');
  const history = db.prepare<[string, string, string], EventRow>(
    'SELECT stream, event_id, state_group, json FROM events WHERE room_id = ? AND type = ? AND state_key = ? ORDER BY stream ASC');
  const group = db.prepare<[number], { prev_id: number | null; full: number; delta: string }>(
    'SELECT prev_id, full, delta FROM state_groups WHERE id = ?');
  const maxGroup = db.prepare<[], { m: number | null }>('SELECT MAX(id) AS m FROM state_groups');
  const insertEvent = db.prepare(
    'INSERT INTO events (stream, event_id, room_id, type, state_key, sender, state_group, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertGroup = db.prepare('INSERT INTO state_groups (id, room_id, prev_id, full, delta) VALUES (?, ?, ?, ?, ?)');
  const upsertMember = db.prepare(
    `INSERT INTO memberships (room_id, user_id, membership, event_id, stream) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (room_id, user_id) DO UPDATE SET membership = excluded.membership, event_id = excluded.event_id, stream = excluded.stream`);
  const insertRoom = db.prepare(
    'INSERT INTO rooms (room_id, version, creator, created_ts, head_event_id, head_depth, head_state_group) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertRedaction = db.prepare('INSERT OR IGNORE INTO redactions (target_id, redaction_id) VALUES (?, ?)');
  const redactedBy = db.prepare<[string], { redaction_id: string }>('SELECT redaction_id FROM redactions WHERE target_id = ?');
  const updateHead = db.prepare('UPDATE rooms SET head_event_id = ?, head_depth = ?, head_state_group = ? WHERE room_id = ?');

  function loadGroup(id: number): StateMap {
    const known = groups.get(id);
    if (known) return known;
    // Walk back to the nearest full snapshot (or a group already loaded), then apply deltas forwards.
    const chain: Record<string, string>[] = [];
    let base: StateMap | undefined;
    let cur: number | null = id;
    while (cur !== null) {
      const row = group.get(cur);
      if (!row) throw new Error(`missing state group ${cur}`);
      chain.push(JSON.parse(row.delta));
      cur = row.full ? null : row.prev_id;
      if (cur !== null && (base = groups.get(cur))) break;
    }
    const out = new Map<StateTuple, string>(base);
    for (let i = chain.length - 1; i >= 0; i--) for (const [k, v] of Object.entries(chain[i])) out.set(k, v);
    groups.add(id, out);
    return out;
  }

  return {
    maxStream: () => maxStream.get()?.m ?? 0,
    getEvent(eventId) {
      const cached = recent.get(eventId);
      if (cached) return cached;
      const r = getEvent.get(eventId);
      return r ? toStored(r) : null;
    },
    roomEventsBetween: (roomId, from, to, limit, newestFirst) =>
      recent.between(roomId, from, to, limit, newestFirst) ?? (newestFirst ? betweenDesc : between).all(roomId, from, to, limit).map(toStored),
    eventsSince(roomIds, from, limit) {
      if (roomIds.length === 0) return [];
      const out: StoredEvent[] = [];
      const uncached: string[] = [];
      for (const roomId of roomIds) {
        const evs = recent.after(roomId, from, limit);
        if (evs) out.push(...evs);
        else uncached.push(roomId);
      }
      // Chunked IN lists keep the statement under SQLite's variable limit.
      for (let i = 0; i < uncached.length; i += 500) {
        const chunk = uncached.slice(i, i + 500);
        const rows = prepared<EventRow>(
          `SELECT stream, event_id, state_group, json FROM events WHERE stream > ? AND room_id IN (${placeholders(chunk.length)}) ORDER BY stream ASC LIMIT ?`,
        ).all(from, ...chunk, limit);
        out.push(...rows.map(toStored));
      }
      return out.sort((a, b) => a.stream - b.stream).slice(0, limit);
    },
    roomEventsBefore: (roomId, beforeExclusive, limit) =>
      recent.before(roomId, beforeExclusive, limit) ?? before.all(roomId, beforeExclusive, limit).map(toStored),
    roomEventsAfter: (roomId, afterExclusive, limit) =>
      recent.after(roomId, afterExclusive, limit) ?? after.all(roomId, afterExclusive, limit).map(toStored),
    stateHistory: (roomId, type, stateKey) => history.all(roomId, type, stateKey).map(toStored),
    stateGroup: loadGroup,
    maxStateGroup: () => maxGroup.get()?.m ?? 0,
    redactedBy: (eventId) => links.redactedBy(eventId, (id) => redactedBy.get(id)?.redaction_id ?? null),
    writeEvent(w: EventWrite) {
      const p = w.pdu;
      if (w.newStateGroup) {
        const g = w.newStateGroup;
        insertGroup.run(g.id, p.room_id, g.prevId, g.full ? 1 : 0, JSON.stringify(g.delta));
      }
      const json = JSON.stringify(p);
      insertEvent.run(w.stream, w.eventId, p.room_id, p.type, p.state_key ?? null, p.sender, w.stateGroup, json);
      if (w.redacts) {
        insertRedaction.run(w.redacts, w.eventId);
        links.redacted(w.redacts, w.eventId);
      }
      const parent = indexEvent(w);
      if (parent !== null) links.related(parent);
      if (w.membership) {
        upsertMember.run(p.room_id, w.membership.userId, w.membership.membership, w.eventId, w.stream);
        memberships.changed(p.room_id, w.membership.userId);
      }
      if (w.newRoom) {
        insertRoom.run(p.room_id, w.newRoom.version, w.newRoom.creator, w.newRoom.createdTs, w.eventId, p.depth, w.stateGroup);
      } else {
        updateHead.run(w.eventId, p.depth, w.stateGroup, p.room_id);
      }
      // A copy of its own, as a read from the table would give: the writer keeps `p`.
      recent.add(p.room_id, { stream: w.stream, eventId: w.eventId, stateGroup: w.stateGroup, pdu: JSON.parse(json) });
    },
  };
}
