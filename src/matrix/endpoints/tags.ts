// Room tags (spec tags.yaml): kept as the room's m.tag account data, so /sync delivers them.
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { badJson, forbidden, invalidParam } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, isObject, roomIdParam } from '../http/validate.js';

const MAX_TAG = 255;

function owner(ctx: AuthedCtx): void {
  if (ctx.params.userId !== ctx.requester.userId) throw forbidden('Cannot access the tags of another user');
}

function tagsOf(m: MatrixContext, userId: string, roomId: string): JsonObject {
  const tags = m.core.accountData.get(userId, 'm.tag', roomId)?.tags;
  return isObject(tags) ? tags : {};
}

async function putTag(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  owner(ctx);
  const roomId = roomIdParam(ctx.params.roomId);
  const tag = ctx.params.tag;
  if (tag.length === 0 || tag.length > MAX_TAG) throw invalidParam(`Tags are 1 to ${MAX_TAG} characters`);
  const body = bodyObject(ctx.body);
  const order = body.order;
  if (order !== undefined && (typeof order !== 'number' || order < 0 || order > 1)) throw badJson("'order' must be a number from 0 to 1");
  const tags: JsonObject = { ...tagsOf(m, ctx.requester.userId, roomId), [tag]: order === undefined ? {} : { order } };
  await m.core.accountData.put(ctx.requester.userId, 'm.tag', { tags }, roomId);
  return {};
}

async function deleteTag(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  owner(ctx);
  const roomId = roomIdParam(ctx.params.roomId);
  const tags = { ...tagsOf(m, ctx.requester.userId, roomId) };
  if (ctx.params.tag in tags) {
    delete tags[ctx.params.tag];
    await m.core.accountData.put(ctx.requester.userId, 'm.tag', { tags }, roomId);
  }
  return {};
}

export function tagRoutes(m: MatrixContext): Route[] {
  const base = '/_matrix/client/v3/user/:userId/rooms/:roomId/tags';
  return [
    {
      method: 'GET', path: base, auth: 'required',
      handler: (ctx) => { owner(ctx); return { tags: tagsOf(m, ctx.requester.userId, roomIdParam(ctx.params.roomId)) }; },
    },
    { method: 'PUT', path: `${base}/:tag`, auth: 'required', handler: (ctx) => putTag(m, ctx) },
    { method: 'DELETE', path: `${base}/:tag`, auth: 'required', handler: (ctx) => deleteTag(m, ctx) },
  ];
}
