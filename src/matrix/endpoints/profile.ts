// Profiles (spec profile.yaml): one profile per account, shared with XMPP (vCard, nick). A change
// goes through core's setProfileField, which also rewrites the user's member events.
import type { JsonObject } from '../../core/events/types.js';
import { setProfileField } from '../../core/accounts/profile.js';
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
  await setProfileField(m.core, m.core.accounts.localpartOf(userId)!, field, value);
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
