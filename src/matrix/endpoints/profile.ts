// Profiles (spec profile.yaml): one profile per account, shared with XMPP (vCard, nick). A change
// is also written into the user's member event in every room they are joined to, as Synapse
// does, so that room members see it.
import type { JsonObject } from '../../core/events/types.js';
import { profileOf, type MatrixContext } from '../context.js';
import { badJson, forbidden, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, userIdParam } from '../http/validate.js';

type Field = 'displayname' | 'avatar_url';
const FIELDS: readonly string[] = ['displayname', 'avatar_url'];
/** Synapse's limits, which clients already respect. */
const MAX_LENGTH: Record<Field, number> = { displayname: 256, avatar_url: 1000 };

function localProfile(m: MatrixContext, userId: string) {
  userIdParam(userId);
  // Remote profiles need federation (a later issue).
  const profile = profileOf(m, userId);
  if (!profile) throw notFound('Profile not found');
  return profile;
}

function getProfile(m: MatrixContext, userId: string): JsonObject {
  const p = localProfile(m, userId);
  const out: JsonObject = {};
  if (p.displayname !== null) out.displayname = p.displayname;
  if (p.avatar_url !== null) out.avatar_url = p.avatar_url;
  return out;
}

function getField(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const field = ctx.params.keyName;
  const value = FIELDS.includes(field) ? localProfile(m, ctx.params.userId)[field as Field] : null;
  if (value === null) throw notFound('Profile field not set');
  return { [field]: value };
}

/** Rewrites the user's member event in each joined room; one room failing does not stop the rest. */
async function propagate(m: MatrixContext, userId: string, field: Field, value: string | null): Promise<void> {
  const rooms = m.core.storage.rooms.roomsForUser(userId, ['join']);
  await Promise.all(rooms.map(async ({ roomId }) => {
    const current = m.core.rooms.stateContent(roomId, 'm.room.member', userId);
    if (current?.membership !== 'join' || (current[field] ?? null) === value) return;
    const content: JsonObject = { ...current };
    if (value === null) delete content[field];
    else content[field] = value;
    try {
      await m.core.rooms.send(roomId, { type: 'm.room.member', sender: userId, stateKey: userId, content });
    } catch (err) {
      m.core.logger.warn({ err, roomId }, 'could not update the member event after a profile change');
    }
  }));
}

async function setField(m: MatrixContext, ctx: AuthedCtx, remove: boolean): Promise<JsonObject> {
  const { userId, keyName } = ctx.params;
  if (userId !== ctx.requester.userId) throw forbidden("Cannot change another user's profile");
  if (!FIELDS.includes(keyName)) throw forbidden(`Profile field '${keyName}' is not supported`);
  const field = keyName as Field;
  let value: string | null = null;
  if (!remove) {
    const v = bodyObject(ctx.body)[field];
    if (typeof v !== 'string') throw badJson(`'${field}' must be a string`);
    if (v.length > MAX_LENGTH[field]) throw badJson(`'${field}' is too long`);
    value = v;
  }
  const lp = m.core.accounts.localpartOf(userId)!;
  await m.core.storage.writes.enqueue(() => m.core.storage.accounts.setProfile(lp, field, value));
  await propagate(m, userId, field, value);
  return {};
}

export function profileRoutes(m: MatrixContext): Route[] {
  const base = '/_matrix/client/v3/profile/:userId';
  return [
    { method: 'GET', path: base, auth: 'required', handler: (ctx) => getProfile(m, ctx.params.userId) },
    { method: 'GET', path: `${base}/:keyName`, auth: 'required', handler: (ctx) => getField(m, ctx) },
    { method: 'PUT', path: `${base}/:keyName`, auth: 'required', handler: (ctx) => setField(m, ctx, false) },
    { method: 'DELETE', path: `${base}/:keyName`, auth: 'required', handler: (ctx) => setField(m, ctx, true) },
  ];
}
