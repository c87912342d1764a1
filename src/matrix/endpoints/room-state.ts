// Room state and members (spec room_state.yaml, rooms.yaml: state, members, joined_members).
import { stateTuple, type JsonObject, type Pdu, type StateTuple } from '../../core/events/types.js';
import { parseRoomAlias } from '../../core/ids.js';
import { requireJoined, requireReadable, requireRoom, type MatrixContext } from '../context.js';
import { ErrCode, MatrixError, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { contentBody, roomIdParam } from '../http/validate.js';
import { checkInviteAllowed } from '../invite-permission.js';
import { stateIdsAt } from '../events/history.js';
import { tokenParam } from '../tokens.js';

interface StateView {
  ids: ReadonlyMap<StateTuple, string>;
  event(tuple: StateTuple): { eventId: string; pdu: Pdu } | null;
}

/** The room state a user may see: current for members, as of their leave for former members. */
function visibleState(m: MatrixContext, roomId: string, userId: string, at?: number): StateView {
  const upTo = requireReadable(m, roomId, userId);
  const head = requireRoom(m, roomId);
  const pos = Math.min(upTo, at ?? Number.MAX_SAFE_INTEGER);
  if (pos >= m.core.stream.committed) {
    // Current state is in memory, events included.
    const event = (t: StateTuple) => {
      const eventId = head.stateIds.get(t);
      const pdu = head.state.get(t);
      return eventId && pdu ? { eventId, pdu } : null;
    };
    return { ids: head.stateIds, event };
  }
  const ids = stateIdsAt(m.core.storage.events, roomId, pos);
  const event = (t: StateTuple) => {
    const id = ids.get(t);
    return id ? m.core.storage.events.getEvent(id) : null;
  };
  return { ids, event };
}

function allEvents(view: StateView, filter: (tuple: StateTuple) => boolean = () => true): { eventId: string; pdu: Pdu }[] {
  const out: { eventId: string; pdu: Pdu }[] = [];
  for (const tuple of view.ids.keys()) {
    const ev = filter(tuple) ? view.event(tuple) : null;
    if (ev) out.push(ev);
  }
  return out;
}

function getStateEvent(m: MatrixContext, ctx: AuthedCtx): unknown {
  const roomId = roomIdParam(ctx.params.roomId);
  const found = visibleState(m, roomId, ctx.requester.userId).event(stateTuple(ctx.params.eventType, ctx.params.stateKey ?? ''));
  if (!found) throw notFound('Event not found');
  // `format=event` (spec v1.16) returns the whole event; the default is its content.
  return ctx.query.get('format') === 'event' ? m.formatter.format(found, ctx.requester, true) : found.pdu.content;
}

/** m.room.canonical_alias may only name aliases that point at the room (spec: M_BAD_ALIAS). */
function checkCanonicalAlias(m: MatrixContext, roomId: string, content: JsonObject): void {
  const alt = content.alt_aliases;
  if (alt !== undefined && (!Array.isArray(alt) || !alt.every((a) => typeof a === 'string'))) {
    throw new MatrixError(400, ErrCode.BAD_JSON, "'alt_aliases' must be a list of aliases");
  }
  const aliases = [...(typeof content.alias === 'string' ? [content.alias] : []), ...((alt as string[] | undefined) ?? [])];
  for (const a of aliases) {
    if (!parseRoomAlias(a) || m.core.storage.rooms.getAlias(a) !== roomId) {
      throw new MatrixError(400, ErrCode.BAD_ALIAS, `${a} does not point to this room`);
    }
  }
}

async function putState(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const roomId = roomIdParam(ctx.params.roomId);
  const content = contentBody(ctx.body);
  requireRoom(m, roomId);
  if (ctx.params.eventType === 'm.room.canonical_alias') checkCanonicalAlias(m, roomId, content);
  if (ctx.params.eventType === 'm.room.member' && content.membership === 'invite' && ctx.params.stateKey) checkInviteAllowed(m.core.accountData, ctx.params.stateKey);
  const sent = await m.core.rooms.send(roomId, {
    type: ctx.params.eventType, sender: ctx.requester.userId, content, stateKey: ctx.params.stateKey ?? '',
  });
  return { event_id: sent.eventId };
}

function members(m: MatrixContext, ctx: AuthedCtx): unknown {
  const roomId = roomIdParam(ctx.params.roomId);
  const at = tokenParam(ctx.query.get('at'), 'at') ?? undefined;
  const only = ctx.query.get('membership');
  const not = ctx.query.get('not_membership');
  const chunk = allEvents(visibleState(m, roomId, ctx.requester.userId, at), (t) => t.startsWith('m.room.member\u0000'))
    .filter((e) => (only === null || e.pdu.content.membership === only) && (not === null || e.pdu.content.membership !== not));
  return { chunk: m.formatter.formatAll(chunk, ctx.requester, true) };
}

function joinedMembers(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const roomId = roomIdParam(ctx.params.roomId);
  const head = requireJoined(m, roomId, ctx.requester.userId);
  const joined: JsonObject = {};
  for (const pdu of head.state.values()) {
    if (pdu.type !== 'm.room.member' || pdu.content.membership !== 'join' || pdu.state_key === undefined) continue;
    const entry: JsonObject = {};
    if (typeof pdu.content.displayname === 'string') entry.display_name = pdu.content.displayname;
    if (typeof pdu.content.avatar_url === 'string') entry.avatar_url = pdu.content.avatar_url;
    joined[pdu.state_key] = entry;
  }
  return { joined };
}

export function roomStateRoutes(m: MatrixContext): Route[] {
  const room = '/_matrix/client/v3/rooms/:roomId';
  return [
    {
      method: 'GET', path: `${room}/state`, auth: 'required',
      handler: (ctx) => m.formatter.formatAll(allEvents(visibleState(m, roomIdParam(ctx.params.roomId), ctx.requester.userId)), ctx.requester, true),
    },
    { method: 'GET', path: `${room}/state/:eventType/:stateKey?`, auth: 'required', handler: (ctx) => getStateEvent(m, ctx) },
    { method: 'PUT', path: `${room}/state/:eventType/:stateKey?`, auth: 'required', handler: (ctx) => putState(m, ctx) },
    { method: 'GET', path: `${room}/members`, auth: 'required', handler: (ctx) => members(m, ctx) },
    { method: 'GET', path: `${room}/joined_members`, auth: 'required', handler: (ctx) => joinedMembers(m, ctx) },
  ];
}
