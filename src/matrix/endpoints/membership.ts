// Membership changes (spec joining.yaml, inviting.yaml, leaving.yaml, kicking.yaml, banning.yaml):
// each is one m.room.member event through the room service, whose auth rules decide.
import { memberContent } from '../../core/rooms/create-room.js';
import type { JsonObject } from '../../core/events/types.js';
import { parseRoomAlias } from '../../core/ids.js';
import { isReachable, profileOf, requireRoom, type MatrixContext } from '../context.js';
import { ErrCode, MatrixError, forbidden, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, optionalString, requiredString, roomIdParam, userIdParam } from '../http/validate.js';
import { checkInviteAllowed } from '../invite-permission.js';

function withReason(content: JsonObject, body: JsonObject): JsonObject {
  const reason = optionalString(body, 'reason');
  return reason === undefined ? content : { ...content, reason };
}

async function setMembership(m: MatrixContext, roomId: string, sender: string, target: string, content: JsonObject): Promise<void> {
  requireRoom(m, roomId);
  await m.core.rooms.send(roomId, { type: 'm.room.member', sender, stateKey: target, content });
}

/** A room id, or an alias of this server resolved to one. Remote aliases need federation (later). */
function resolveRoom(m: MatrixContext, idOrAlias: string): string {
  if (idOrAlias.startsWith('#')) {
    if (!parseRoomAlias(idOrAlias)) throw new MatrixError(400, ErrCode.INVALID_PARAM, `'${idOrAlias}' is not a valid room alias`);
    const roomId = m.core.storage.rooms.getAlias(idOrAlias);
    if (!roomId) throw notFound('Room alias not found');
    return roomId;
  }
  return roomIdParam(idOrAlias);
}

async function join(m: MatrixContext, ctx: AuthedCtx, idOrAlias: string): Promise<JsonObject> {
  const roomId = resolveRoom(m, idOrAlias);
  const userId = ctx.requester.userId;
  requireRoom(m, roomId);
  const profile = profileOf(m, userId) ?? undefined;
  const current = m.core.rooms.stateContent(roomId, 'm.room.member', userId);
  // Joining again with the same profile changes nothing: answer without a new event.
  const same = current?.membership === 'join' && (current.displayname ?? null) === (profile?.displayname ?? null)
    && (current.avatar_url ?? null) === (profile?.avatar_url ?? null);
  if (!same) await setMembership(m, roomId, userId, userId, withReason(memberContent('join', profile), bodyObject(ctx.body)));
  return { room_id: roomId };
}

async function invite(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const roomId = roomIdParam(ctx.params.roomId);
  const body = bodyObject(ctx.body);
  const target = userIdParam(requiredString(body, 'user_id'));
  if (!isReachable(m, target)) throw notFound('Unknown user');
  checkInviteAllowed(m.core.accountData, target);
  await setMembership(m, roomId, ctx.requester.userId, target, withReason({ membership: 'invite' }, body));
  return {};
}

async function leave(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const roomId = roomIdParam(ctx.params.roomId);
  const userId = ctx.requester.userId;
  requireRoom(m, roomId);
  // Leaving a room one is not in is a no-op, as in Synapse; a ban stays (auth rules refuse).
  if (m.core.rooms.membership(roomId, userId) === 'leave') return {};
  await setMembership(m, roomId, userId, userId, withReason({ membership: 'leave' }, bodyObject(ctx.body)));
  return {};
}

/** kick, ban and unban: a membership set by someone else on a target. */
function moderation(m: MatrixContext, action: 'kick' | 'ban' | 'unban') {
  return async (ctx: AuthedCtx): Promise<JsonObject> => {
    const roomId = roomIdParam(ctx.params.roomId);
    const body = bodyObject(ctx.body);
    const target = userIdParam(requiredString(body, 'user_id'));
    requireRoom(m, roomId);
    if (action === 'unban' && m.core.rooms.membership(roomId, target) !== 'ban') throw forbidden(`${target} is not banned`);
    const membership = action === 'ban' ? 'ban' : 'leave';
    await setMembership(m, roomId, ctx.requester.userId, target, withReason({ membership }, body));
    return {};
  };
}

export function membershipRoutes(m: MatrixContext): Route[] {
  const v3 = '/_matrix/client/v3';
  return [
    { method: 'POST', path: `${v3}/join/:roomIdOrAlias`, auth: 'required', handler: (ctx) => join(m, ctx, ctx.params.roomIdOrAlias) },
    { method: 'POST', path: `${v3}/rooms/:roomId/join`, auth: 'required', handler: (ctx) => join(m, ctx, roomIdParam(ctx.params.roomId)) },
    { method: 'POST', path: `${v3}/rooms/:roomId/invite`, auth: 'required', handler: (ctx) => invite(m, ctx) },
    { method: 'POST', path: `${v3}/rooms/:roomId/leave`, auth: 'required', handler: (ctx) => leave(m, ctx) },
    { method: 'POST', path: `${v3}/rooms/:roomId/kick`, auth: 'required', handler: moderation(m, 'kick') },
    { method: 'POST', path: `${v3}/rooms/:roomId/ban`, auth: 'required', handler: moderation(m, 'ban') },
    { method: 'POST', path: `${v3}/rooms/:roomId/unban`, auth: 'required', handler: moderation(m, 'unban') },
  ];
}
