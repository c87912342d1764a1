// Relations (spec client-server-api "Forming relationships between events", relations.yaml):
// GET /relations with rel_type and event type filters, and the bundled aggregations that go into
// unsigned["m.relations"] of the parent: annotation counts, the latest m.replace, the thread
// summary and references.
import type { JsonObject, Pdu } from '../../core/events/types.js';
import type { RelationRow } from '../../core/ports.js';
import { requireReadable, type MatrixContext } from '../context.js';
import { invalidParam, notFound } from '../errors.js';
import type { AuthedCtx, Requester, Route } from '../http/types.js';
import { intQuery, roomIdParam } from '../http/validate.js';
import { formatToken, tokenParam } from '../tokens.js';

/** Children read for one bundle; a parent with more shows counts of the newest ones only. */
const BUNDLE_SCAN = 500;

/** The children the viewer may see (per-event history visibility), newest first. */
function readableChildren(m: MatrixContext, parent: { eventId: string; pdu: Pdu }, upTo: number, viewer: Requester | null): RelationRow[] {
  const rows = m.core.storage.relations.children(parent.eventId, 0, upTo, BUNDLE_SCAN, true);
  if (viewer === null || rows.length === 0) return rows;
  const vis = m.history.visibility(parent.pdu.room_id, viewer.userId);
  return rows.filter((r) => vis.sees({ stream: r.stream, pdu: { type: r.type } }));
}

/** Reaction counts per (event type, key), most used first; undefined when there are none. */
export function annotations(rows: RelationRow[]): JsonObject | undefined {
  const counts = new Map<string, { type: string; key: string; count: number }>();
  for (const r of rows) {
    if (r.relType !== 'm.annotation' || r.key === null) continue;
    const k = `${r.type}\u0000${r.key}`;
    const c = counts.get(k) ?? { type: r.type, key: r.key, count: 0 };
    c.count++;
    counts.set(k, c);
  }
  return counts.size ? { chunk: [...counts.values()].sort((a, b) => b.count - a.count) } : undefined;
}

/** The bundle of one event for a viewer, or undefined when nothing relates to it. */
export function bundleFor(m: MatrixContext, ev: { eventId: string; pdu: Pdu }, viewer: Requester | null): JsonObject | undefined {
  const relations = m.core.storage.relations;
  if (!relations.hasChildren(ev.eventId)) return undefined;
  const rows = readableChildren(m, ev, m.core.stream.committed, viewer);
  const out: JsonObject = {};
  const ann = annotations(rows);
  if (ann) out['m.annotation'] = ann;
  // Only the original sender's edits count (spec "Validity of replacement events").
  const edit = rows.find((r) => r.relType === 'm.replace' && r.sender === ev.pdu.sender && r.type === ev.pdu.type);
  const editEvent = edit && m.core.storage.events.getEvent(edit.eventId);
  if (editEvent) out['m.replace'] = m.formatter.format(editEvent, viewer, true) as unknown as JsonObject;
  const thread = rows.filter((r) => r.relType === 'm.thread');
  const latest = thread.length ? m.core.storage.events.getEvent(thread[0].eventId) : null;
  if (latest) {
    out['m.thread'] = {
      latest_event: m.formatter.format(latest, viewer, true) as unknown as JsonObject,
      count: thread.length,
      current_user_participated: viewer !== null && (ev.pdu.sender === viewer.userId || thread.some((r) => r.sender === viewer.userId)),
    };
  }
  const refs = rows.filter((r) => r.relType === 'm.reference');
  if (refs.length) out['m.reference'] = { chunk: refs.map((r) => ({ event_id: r.eventId })) };
  return Object.keys(out).length ? out : undefined;
}

/** How deep `recurse=true` follows relations of relations (the spec asks for at least 3). */
const MAX_DEPTH = 3;

/** Direct and indirect children in the window, ordered by stream like children() (spec v1.10 `recurse`). */
function descendants(m: MatrixContext, rootId: string, lo: number, hi: number, cap: number, newestFirst: boolean): RelationRow[] {
  const found: RelationRow[] = [];
  let level = [rootId];
  for (let depth = 0; depth < MAX_DEPTH && level.length && found.length < cap; depth++) {
    const next: string[] = [];
    for (const id of level) {
      // Children always come after their parent, so the window's upper end bounds every level.
      for (const r of m.core.storage.relations.children(id, 0, hi, cap, true)) {
        next.push(r.eventId);
        if (r.stream > lo) found.push(r);
      }
    }
    level = next;
  }
  found.sort((a, b) => (newestFirst ? b.stream - a.stream : a.stream - b.stream));
  return found.slice(0, cap);
}

function relations(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  const upTo = requireReadable(m, roomId, ctx.requester.userId);
  const parent = m.core.storage.events.getEvent(ctx.params.eventId);
  const vis = m.history.visibility(roomId, ctx.requester.userId);
  if (!parent || parent.pdu.room_id !== roomId || parent.stream > upTo || !vis.sees(parent)) throw notFound('Event not found');
  const dir = ctx.query.get('dir') ?? 'b';
  if (dir !== 'b' && dir !== 'f') throw invalidParam("'dir' must be b or f");
  const limit = intQuery(ctx.query, 'limit', 50, 1, 1000);
  const from = tokenParam(ctx.query.get('from'), 'from');
  const to = tokenParam(ctx.query.get('to'), 'to');
  const relType = ctx.params.relType || null;
  const eventType = ctx.params.eventType || null;
  const newestFirst = dir === 'b';
  const lo = newestFirst ? (to ?? 0) : (from ?? 0);
  const hi = Math.min(newestFirst ? (from ?? upTo) : (to ?? upTo), upTo);
  const recurse = ctx.query.get('recurse') === 'true';
  // Filters are applied after the read, so a page reads more rows than it returns.
  const rows = lo >= hi ? [] : recurse ? descendants(m, parent.eventId, lo, hi, limit * 4 + 10, newestFirst)
    : m.core.storage.relations.children(parent.eventId, lo, hi, limit * 4 + 10, newestFirst);
  const picked: RelationRow[] = [];
  let last: RelationRow | undefined;
  for (const r of rows) {
    last = r;
    if ((relType === null || r.relType === relType) && (eventType === null || r.type === eventType)) picked.push(r);
    if (picked.length === limit) break;
  }
  const events = vis.filter(picked.map((r) => m.core.storage.events.getEvent(r.eventId)).filter((e) => e !== null));
  const more = last !== undefined && (picked.length === limit || rows.length === limit * 4 + 10);
  const next = more ? formatToken(newestFirst ? last!.stream - 1 : last!.stream) : undefined;
  const out: JsonObject = { chunk: m.formatter.formatTimeline(events, ctx.requester, true) as unknown as JsonObject[] };
  if (next) out.next_batch = next;
  if (recurse) out.recursion_depth = MAX_DEPTH;
  return out;
}

export function relationRoutes(m: MatrixContext): Route[] {
  // The formatter asks for bundles when it renders any event (timelines, /event, /context).
  m.formatter.bundle = (ev, viewer) => bundleFor(m, ev, viewer);
  const base = '/_matrix/client/v1/rooms/:roomId/relations/:eventId';
  return [
    { method: 'GET', path: `${base}/:relType?`, auth: 'required', handler: (ctx) => relations(m, ctx) },
    { method: 'GET', path: `${base}/:relType/:eventType`, auth: 'required', handler: (ctx) => relations(m, ctx) },
  ];
}
