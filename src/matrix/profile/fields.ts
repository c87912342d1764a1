// Extended profile fields (spec v1.16 profile.yaml, MSC4133 and MSC4175 `m.tz`): which keys a
// profile may hold, and the size limits. Pure checks; the endpoint stores what passes.
import type { JsonObject, JsonValue } from '../../core/events/types.js';
import { ErrCode, MatrixError, badJson, invalidParam } from '../errors.js';

/** The fields every profile has, kept on the account row (also XMPP's nickname and avatar). */
export const CORE_FIELDS: readonly string[] = ['displayname', 'avatar_url'];

// `avatar_url`, `displayname`, `m.tz` or a Common Namespaced Identifier (spec's keyName pattern).
const KEY = /^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;
/** The spec's limits: 255 bytes per key, 64 KiB for the whole profile. */
export const MAX_KEY_BYTES = 255;
export const MAX_PROFILE_BYTES = 65536;

/** A key a client may read, set or delete; M_KEY_TOO_LARGE / M_INVALID_PARAM otherwise. */
export function checkKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new MatrixError(400, ErrCode.KEY_TOO_LARGE, 'Profile key is longer than 255 bytes');
  if (!KEY.test(key)) throw invalidParam(`'${key}' is not a valid profile key`);
}

/** The value a PUT body gives for `key`: the body must hold that key (and only it). */
export function valueFromBody(body: JsonObject, key: string): JsonValue {
  if (!Object.hasOwn(body, key)) throw new MatrixError(400, ErrCode.MISSING_PARAM, `Missing '${key}'`);
  if (Object.keys(body).length !== 1) throw badJson(`The body must hold only '${key}'`);
  const value = body[key];
  if ((key === 'displayname' || key === 'avatar_url' || key === 'm.tz') && typeof value !== 'string') {
    throw badJson(`'${key}' must be a string`);
  }
  if (key === 'avatar_url' && !(value as string).startsWith('mxc://') && value !== '') throw badJson("'avatar_url' must be an mxc:// URI");
  return value;
}

/** M_PROFILE_TOO_LARGE when the profile with this change would exceed 64 KiB as JSON. */
export function checkProfileSize(profile: JsonObject): void {
  if (Buffer.byteLength(JSON.stringify(profile), 'utf8') >= MAX_PROFILE_BYTES) {
    throw new MatrixError(400, ErrCode.PROFILE_TOO_LARGE, 'The profile would be larger than 64 KiB');
  }
}
