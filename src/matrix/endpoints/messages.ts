// Sending and reading room events (spec room_send.yaml, redaction.yaml, message_pagination.yaml,
// rooms.yaml GET /event).
import type { JsonObject } from '../../core/events/types.js';
import { requireReadable, requireRoom, type MatrixContext } from '../context.js';
import { ErrCode, MatrixError, forbidden, invalidParam, missingParam, notFound } from '../errors.js';
import type { AuthedCtx, Requester, Route } from '../http/types.js';
import { bodyObject, contentBody, intQuery, optionalString, roomIdParam } from '../http/validate.js';
import { formatToken, tokenParam } from '../tokens.js';
import { senderMembersAt } from '../events/history.js';
import { eventMatches, parseRoomEventFilter, type RoomEventFilter } from '../sync/filter.js';

/** A client transaction (spec "Transaction identifiers"): one event per (device, txn id), however often retried. */
function transactions(m: MatrixContext) {
  const inFlight = new Map<string, Promise<string>>();
  // `send` gets the write that records the transaction, to run in the event's own commit.
  return (who: Requester, txnId: string, send: (record: (eventId: string) => void) => Promise<string>): Promise<string> => {
    const done = m.core.storage.txns.get(who.userId, who.deviceId, txnId);
    if (done !== null) return Promise.resolve(done);
    const key = `${who.userId}\u0000${who.deviceId}\u0000${txnId}`;
    let p = inFlight.get(key);
    if (!p) {
      const record = (eventId: string) => m.core.storage.txns.put(who.userId, who.deviceId, txnId, eventId, Date.now());
      p = send(record).then((eventId) => {
        // Before anything yields: /sync (which waits a turn after waking) then echoes the txn id.
        m.echo.remember(eventId, who.userId, who.deviceId, txnId);
        return eventId;
      }).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
    }
    return p;
  };
}

async function redact(m: MatrixContext, roomId: string, sender: string, targetId: string, content: JsonObject, record?: (eventId: string) => void): Promise<string> {
  requireRoom(m, roomId);
  const target = m.core.storage.events.getEvent(targetId);
  if (!target || target.pdu.room_id !== roomId) throw notFound('Event not found');
  if (!m.redactions.mayRedact(sender, target)) throw forbidden('You may only redact your own events in this room');
  const sent = await m.core.rooms.send(roomId, { type: 'm.room.redaction', sender, content, redacts: targetId }, record);
  return sent.eventId;
}

function sendEvent(m: MatrixContext, txn: ReturnType<typeof transactions>) {
  return async (ctx: AuthedCtx): Promise<JsonObject> => {
    const roomId = roomIdParam(ctx.params.roomId);
    const { eventType, txnId } = ctx.params;
    const content = contentBody(ctx.body);
    const sender = ctx.requester.userId;
    const eventId = await txn(ctx.requester, txnId, async (record) => {
      if (eventType !== 'm.room.redaction') {
        requireRoom(m, roomId);
        return (await m.core.rooms.send(roomId, { type: eventType, sender, content }, record)).eventId;
      }
      // A redaction sent as a plain event gets the same permission check as /redact.
      if (typeof content.redacts !== 'string') throw missingParam("m.room.redaction needs 'redacts'");
      return redact(m, roomId, sender, content.redacts, content, record);
    });
    return { event_id: eventId };
  };
}

function redactRoute(m: MatrixContext, txn: ReturnType<typeof transactions>) {
  return async (ctx: AuthedCtx): Promise<JsonObject> => {
    const roomId = roomIdParam(ctx.params.roomId);
    const reason = optionalString(bodyObject(ctx.body), 'reason');
    const content: JsonObject = reason === undefined ? {} : { reason };
    const eventId = await txn(ctx.requester, ctx.params.txnId, (record) => redact(m, roomId, ctx.requester.userId, ctx.params.eventId, content, record));
    return { event_id: eventId };
  };
}

function filterParam(raw: string | null): RoomEventFilter | null {
  if (raw === null || raw === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new MatrixError(400, ErrCode.NOT_JSON, "'filter' is not JSON");
  }
  return parseRoomEventFilter(json);
}

/** GET /messages: tokens are stream positions (see tokens.ts); dir=b reads at or before `from`, dir=f after it. */
function messages(m: MatrixContext, ctx: AuthedCtx): unknown {
  const roomId = roomIdParam(ctx.params.roomId);
  const dir = ctx.query.get('dir');
  if (dir !== 'b' && dir !== 'f') throw dir === null ? missingParam("Missing 'dir'") : invalidParam("'dir' must be b or f");
  const limit = intQuery(ctx.query, 'limit', 10, 1, 1000);
  const filter = filterParam(ctx.query.get('filter'));
  const upTo = requireReadable(m, roomId, ctx.requester.userId);
  const from = tokenParam(ctx.query.get('from'), 'from');
  const to = tokenParam(ctx.query.get('to'), 'to');
  const events = m.core.storage.events;
  let chunk;
  let end: string | undefined;
  if (dir === 'b') {
    const hi = Math.min(from ?? upTo, upTo);
    const lo = to ?? 0;
    chunk = lo < hi ? events.roomEventsBetween(roomId, lo, hi, limit, true) : [];
    if (chunk.length === limit) end = formatToken(chunk[chunk.length - 1].stream - 1);
  } else {
    const lo = from ?? 0;
    const hi = Math.min(to ?? upTo, upTo);
    chunk = lo < hi ? events.roomEventsBetween(roomId, lo, hi, limit, false) : [];
    if (chunk.length === limit) end = formatToken(chunk[chunk.length - 1].stream);
  }
  const visible = m.history.visibility(roomId, ctx.requester.userId).filter(chunk);
  const shown = m.formatter.withoutIgnored(filter ? visible.filter((e) => eventMatches(filter, e.pdu)) : visible, ctx.requester);
  const start = formatToken(from ?? (dir === 'b' ? upTo : 0));
  const out: JsonObject = { start, ...(end !== undefined ? { end } : {}), chunk: m.formatter.formatTimeline(shown, ctx.requester, true) as unknown as JsonObject[] };
  if (filter?.lazyLoadMembers && shown.length > 0) {
    // The members as of the newest event of the page, so every sender shown has joined by then.
    const newest = Math.max(shown[0].stream, shown[shown.length - 1].stream);
    out.state = m.formatter.formatAll(senderMembersAt(events, roomId, newest, shown), ctx.requester, true) as unknown as JsonObject[];
  }
  return out;
}

function getEvent(m: MatrixContext, ctx: AuthedCtx): unknown {
  const roomId = roomIdParam(ctx.params.roomId);
  const upTo = requireReadable(m, roomId, ctx.requester.userId);
  const ev = m.core.storage.events.getEvent(ctx.params.eventId);
  if (!ev || ev.pdu.room_id !== roomId || ev.stream > upTo || !m.history.visibility(roomId, ctx.requester.userId).sees(ev)) throw notFound('Event not found');
  return m.formatter.formatTimeline([ev], ctx.requester, true)[0];
}

export function messageRoutes(m: MatrixContext): Route[] {
  const room = '/_matrix/client/v3/rooms/:roomId';
  const txn = transactions(m);
  return [
    { method: 'PUT', path: `${room}/send/:eventType/:txnId`, auth: 'required', handler: sendEvent(m, txn) },
    { method: 'PUT', path: `${room}/redact/:eventId/:txnId`, auth: 'required', handler: redactRoute(m, txn) },
    { method: 'GET', path: `${room}/messages`, auth: 'required', handler: (ctx) => messages(m, ctx) },
    { method: 'GET', path: `${room}/event/:eventId`, auth: 'required', handler: (ctx) => getEvent(m, ctx) },
  ];
}
