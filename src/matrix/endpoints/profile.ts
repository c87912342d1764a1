// Profiles (spec profile.yaml): one profile per account, shared with XMPP (vCard, nick). The
// display name and avatar go through core's setProfileField, which also rewrites the user's member
// events; the other fields (v1.16 extended profiles: `m.tz` and namespaced custom keys) are
// Matrix's alone and kept as one JSON object per account.
import type { JsonObject, JsonValue } from '../../core/events/types.js';
import { setProfileField } from '../../core/accounts/profile.js';
import { profileOf, type MatrixContext } from '../context.js';
import { badJson, forbidden, notFound, userSuspended } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, userIdParam } from '../http/validate.js';
import { CORE_FIELDS, checkKey, checkProfileSize, valueFromBody } from '../profile/fields.js';

type CoreField = 'displayname' | 'avatar_url';
/** Synapse's limits, which clients already respect. */
const MAX_LENGTH: Record<CoreField, number> = { displayname: 256, avatar_url: 1000 };
const KV_NS = 'profile_fields';

function localProfile(m: MatrixContext, userId: string) {
  userIdParam(userId);
  // Remote profiles need federation (a later issue).
  const profile = profileOf(m, userId);
  if (!profile) throw notFound('Profile not found');
  return profile;
}

// Written values not yet committed, so that a change read back at once (or a second change
// made before the first commits) sees the first.
const pending = new WeakMap<MatrixContext, Map<string, string>>();

function extraFields(m: MatrixContext, userId: string): JsonObject {
  const raw = pending.get(m)?.get(userId) ?? m.core.storage.kv.get(KV_NS, userId);
  return raw ? (JSON.parse(raw) as JsonObject) : {};
}

async function storeExtra(m: MatrixContext, userId: string, extra: JsonObject): Promise<void> {
  let mine = pending.get(m);
  if (!mine) pending.set(m, (mine = new Map()));
  const json = JSON.stringify(extra);
  mine.set(userId, json);
  await m.core.storage.writes.enqueue(() => m.core.storage.kv.put(KV_NS, userId, json));
  if (mine.get(userId) === json) mine.delete(userId);
}

/** The whole profile: display name and avatar when set, then the extended fields. */
function fullProfile(m: MatrixContext, userId: string): JsonObject {
  const p = localProfile(m, userId);
  const out: JsonObject = { ...extraFields(m, userId) };
  if (p.displayname !== null) out.displayname = p.displayname;
  if (p.avatar_url !== null) out.avatar_url = p.avatar_url;
  return out;
}

function getField(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const key = ctx.params.keyName;
  checkKey(key);
  const profile = fullProfile(m, ctx.params.userId);
  if (!Object.hasOwn(profile, key)) throw notFound('Profile field not set');
  return { [key]: profile[key] };
}

async function setField(m: MatrixContext, ctx: AuthedCtx, remove: boolean): Promise<JsonObject> {
  const { userId, keyName: key } = ctx.params;
  userIdParam(userId);
  checkKey(key);
  if (userId !== ctx.requester.userId) throw forbidden("Cannot change another user's profile");
  if (m.core.accounts.restriction(m.core.accounts.localpartOf(userId)!) !== null) throw userSuspended();
  const value = remove ? null : valueFromBody(bodyObject(ctx.body), key);
  if (CORE_FIELDS.includes(key)) {
    const field = key as CoreField;
    if (typeof value === 'string' && value.length > MAX_LENGTH[field]) throw badJson(`'${field}' is too long`);
    checkProfileSize({ ...fullProfile(m, userId), [key]: value });
    await setProfileField(m.core, m.core.accounts.localpartOf(userId)!, field, value as string | null);
    return {};
  }
  const extra = extraFields(m, userId);
  if (remove) {
    if (!Object.hasOwn(extra, key)) return {};
    delete extra[key];
  } else {
    extra[key] = value as JsonValue;
    checkProfileSize({ ...fullProfile(m, userId), ...extra });
  }
  await storeExtra(m, userId, extra);
  return {};
}

export function profileRoutes(m: MatrixContext): Route[] {
  const base = '/_matrix/client/v3/profile/:userId';
  return [
    { method: 'GET', path: base, auth: 'required', handler: (ctx) => fullProfile(m, ctx.params.userId) },
    { method: 'GET', path: `${base}/:keyName`, auth: 'required', handler: (ctx) => getField(m, ctx) },
    { method: 'PUT', path: `${base}/:keyName`, auth: 'required', handler: (ctx) => setField(m, ctx, false) },
    { method: 'DELETE', path: `${base}/:keyName`, auth: 'required', handler: (ctx) => setField(m, ctx, true) },
  ];
}
