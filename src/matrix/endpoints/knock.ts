// Knocking (spec knocking.yaml): a knock membership event; the room's join rules (room version
// 7 and later, join_rule knock) decide through the auth rules.
import type { JsonObject } from '../../core/events/types.js';
import { parseRoomAlias } from '../../core/ids.js';
import { profileOf, requireRoom, type MatrixContext } from '../context.js';
import { invalidParam, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, optionalString, roomIdParam } from '../http/validate.js';

async function knock(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const target = ctx.params.roomIdOrAlias;
  let roomId: string;
  if (target.startsWith('#')) {
    if (!parseRoomAlias(target)) throw invalidParam(`'${target}' is not a valid room alias`);
    const found = m.core.storage.rooms.getAlias(target);
    if (!found) throw notFound('Room alias not found');
    roomId = found;
  } else {
    roomId = roomIdParam(target);
  }
  requireRoom(m, roomId);
  const reason = optionalString(bodyObject(ctx.body), 'reason');
  const profile = profileOf(m, ctx.requester.userId);
  const content: JsonObject = { membership: 'knock' };
  if (profile?.displayname) content.displayname = profile.displayname;
  if (profile?.avatar_url) content.avatar_url = profile.avatar_url;
  if (reason !== undefined) content.reason = reason;
  await m.core.rooms.send(roomId, { type: 'm.room.member', sender: ctx.requester.userId, stateKey: ctx.requester.userId, content });
  return { room_id: roomId };
}

export function knockRoutes(m: MatrixContext): Route[] {
  return [{ method: 'POST', path: '/_matrix/client/v3/knock/:roomIdOrAlias', auth: 'required', handler: (ctx) => knock(m, ctx) }];
}
