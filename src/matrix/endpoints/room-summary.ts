// Room summaries (spec v1.15 room_summary.yaml, MSC3266), also the entries of /hierarchy: what a
// user may learn about a room before joining it, and who may learn it.
import { stateTuple, type JsonObject } from '../../core/events/types.js';
import { parseRoomAlias } from '../../core/ids.js';
import type { MatrixContext } from '../context.js';
import { invalidParam, notFound } from '../errors.js';
import type { RequestCtx, Route } from '../http/types.js';
import { roomIdParam } from '../http/validate.js';
import { publishedRoom } from './directory-public.js';

/** The room ids a restricted join rule lets members of join from (`allow` of type m.room_membership). */
function allowedRoomIds(joinRules: JsonObject | null): string[] {
  const allow = joinRules?.allow;
  if (!Array.isArray(allow)) return [];
  const out: string[] = [];
  for (const a of allow) {
    if (a && typeof a === 'object' && !Array.isArray(a) && a.type === 'm.room_membership' && typeof a.room_id === 'string') out.push(a.room_id);
  }
  return out;
}

/** The summary chunk: the public room directory's fields plus the v1.15 additions. */
export function roomSummary(m: MatrixContext, roomId: string): JsonObject {
  const out = publishedRoom(m, roomId);
  const joinRules = m.core.rooms.stateContent(roomId, 'm.room.join_rules');
  const rule = joinRules?.join_rule;
  if (rule === 'restricted' || rule === 'knock_restricted') out.allowed_room_ids = allowedRoomIds(joinRules);
  const algorithm = m.core.rooms.stateContent(roomId, 'm.room.encryption')?.algorithm;
  if (typeof algorithm === 'string') out.encryption = algorithm;
  const version = m.core.rooms.head(roomId)?.version;
  if (version !== undefined) out.room_version = version;
  return out;
}

/**
 * Whether `userId` (null: not signed in) may see the summary: members, invitees and knockers;
 * anyone for rooms joinable by anyone or by knocking, or world-readable ones; for restricted
 * rooms, members of a room the join rule names.
 */
export function summaryVisible(m: MatrixContext, roomId: string, userId: string | null): boolean {
  const joinRules = m.core.rooms.stateContent(roomId, 'm.room.join_rules');
  const rule = joinRules?.join_rule;
  if (rule === 'public' || rule === 'knock' || rule === 'knock_restricted') return true;
  if (m.core.rooms.stateContent(roomId, 'm.room.history_visibility')?.history_visibility === 'world_readable') return true;
  if (userId === null) return false;
  const membership = m.core.rooms.membership(roomId, userId);
  if (membership === 'join' || membership === 'invite' || membership === 'knock') return true;
  if (rule !== 'restricted') return false;
  return allowedRoomIds(joinRules).some((id) => m.core.rooms.membership(id, userId) === 'join');
}

function resolve(m: MatrixContext, target: string): string {
  if (!target.startsWith('#')) return roomIdParam(target);
  if (!parseRoomAlias(target)) throw invalidParam(`'${target}' is not a valid room alias`);
  const found = m.core.storage.rooms.getAlias(target);
  if (!found) throw notFound('Room not found');
  return found;
}

function summary(m: MatrixContext, ctx: RequestCtx): JsonObject {
  const roomId = resolve(m, ctx.params.roomIdOrAlias);
  const userId = ctx.requester?.userId ?? null;
  // A room the requester may not see is answered like an unknown one, so its existence does not leak.
  if (!m.core.rooms.head(roomId) || !summaryVisible(m, roomId, userId)) throw notFound('Room not found');
  const out = roomSummary(m, roomId);
  if (userId !== null) {
    // Only a user with a member event has a membership; one who never was in the room gets none.
    if (m.core.rooms.head(roomId)?.stateIds.has(stateTuple('m.room.member', userId))) out.membership = m.core.rooms.membership(roomId, userId);
  }
  return out;
}

export function roomSummaryRoutes(m: MatrixContext): Route[] {
  return [{ method: 'GET', path: '/_matrix/client/v1/room_summary/:roomIdOrAlias', auth: 'optional', handler: (ctx) => summary(m, ctx) }];
}
