// Device keys (spec keys.yaml): upload, query, claim and the change log. Handlers stay thin: shape
// checks live in e2ee/validate.ts, the change announcement in e2ee/changes.ts.
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { badJson, invalidParam } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, isObject } from '../http/validate.js';
import { tokenParam } from '../tokens.js';
import { commitKeyChange, liveDeviceKeys } from '../e2ee/changes.js';
import { deviceLists, keyCounts } from '../e2ee/sync.js';
import { parseDeviceKeys, parseKeyUploads } from '../e2ee/validate.js';
import { crossSigningSections } from './keys-signing.js';

function fallbackKeysOf(body: JsonObject) {
  // `fallback_keys` is the stable name; `org.matrix.msc2732.fallback_keys` what older clients send.
  return parseKeyUploads(body.fallback_keys ?? body['org.matrix.msc2732.fallback_keys'], 'fallback_keys');
}

async function upload(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const { userId, deviceId } = ctx.requester;
  const body = bodyObject(ctx.body);
  const deviceKeys = body.device_keys === undefined || body.device_keys === null ? null : parseDeviceKeys(body.device_keys, userId, deviceId);
  const otks = parseKeyUploads(body.one_time_keys, 'one_time_keys');
  const fallbacks = fallbackKeysOf(body);
  const e2ee = m.core.storage.e2ee;
  const store = () => {
    if (otks.length) e2ee.addOneTimeKeys(userId, deviceId, otks);
    for (const k of fallbacks) e2ee.putFallbackKey(userId, deviceId, k);
  };
  const before = e2ee.deviceKeys(userId).get(deviceId);
  if (deviceKeys && JSON.stringify(before) !== JSON.stringify(deviceKeys)) {
    await commitKeyChange(m.core, userId, () => { e2ee.putDeviceKeys(userId, deviceId, deviceKeys); store(); });
  } else if (otks.length || fallbacks.length) {
    await m.core.storage.writes.enqueue(store);
  }
  return { one_time_key_counts: keyCounts(m.core, userId, deviceId) };
}

/** `{ user: [device ids] }` as the spec's request maps; an empty list means every device. */
function userDeviceMap(v: unknown, what: string): Map<string, unknown> {
  if (!isObject(v)) throw badJson(`'${what}' must be an object`);
  return new Map(Object.entries(v));
}

function isLocalUser(m: MatrixContext, userId: string): boolean {
  return userId.endsWith(`:${m.core.config.server_name}`);
}

function query(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const body = bodyObject(ctx.body);
  const wanted = userDeviceMap(body.device_keys, 'device_keys');
  const device_keys: Record<string, Record<string, unknown>> = {};
  const failures: Record<string, JsonObject> = {};
  const users: string[] = [];
  for (const [userId, devices] of wanted) {
    if (!Array.isArray(devices) || !devices.every((d) => typeof d === 'string')) throw badJson(`device_keys.${userId} must be a list of device ids`);
    if (!isLocalUser(m, userId)) {
      // No federation for keys yet: say which server could not be asked, as the spec's failures map does.
      const server = userId.slice(userId.indexOf(':') + 1);
      failures[server] = { errcode: 'M_UNKNOWN', error: 'Federation is not available for key queries' };
      continue;
    }
    users.push(userId);
    const out: Record<string, unknown> = {};
    for (const [id, d] of liveDeviceKeys(m.core, userId)) {
      if (devices.length > 0 && !devices.includes(id)) continue;
      out[id] = d.displayName === null ? d.keys : { ...d.keys, unsigned: { device_display_name: d.displayName } };
    }
    device_keys[userId] = out;
  }
  return { device_keys, failures, ...crossSigningSections(m, users, ctx.requester.userId) } as JsonObject;
}

async function claim(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const wanted = userDeviceMap(bodyObject(ctx.body).one_time_keys, 'one_time_keys');
  const result: Record<string, Record<string, Record<string, unknown>>> = {};
  const e2ee = m.core.storage.e2ee;
  const jobs: [string, string, string][] = [];
  for (const [userId, devices] of wanted) {
    if (!isObject(devices)) throw badJson(`one_time_keys.${userId} must be an object`);
    // Keys of a logged-out device stay in the table until it is deleted; they are never handed out.
    const live = isLocalUser(m, userId) ? new Set(m.core.storage.devices.listDevices(userId).map((d) => d.deviceId)) : new Set<string>();
    for (const [deviceId, alg] of Object.entries(devices)) {
      if (typeof alg !== 'string') throw badJson(`one_time_keys.${userId}.${deviceId} must be an algorithm name`);
      if (live.has(deviceId)) jobs.push([userId, deviceId, alg]);
    }
  }
  // Taking a key and deleting it happen in the commit, so two claimers never get the same key.
  await m.core.storage.writes.enqueue(() => {
    for (const [userId, deviceId, alg] of jobs) {
      const k = e2ee.takeOneTimeKey(userId, deviceId, alg) ?? e2ee.useFallbackKey(userId, deviceId, alg);
      if (!k) continue;
      ((result[userId] ??= {})[deviceId] ??= {})[k.keyId] = k.key;
    }
  });
  return { one_time_keys: result, failures: {} } as JsonObject;
}

function changes(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const from = tokenParam(ctx.query.get('from'), 'from');
  const to = tokenParam(ctx.query.get('to'), 'to');
  if (from === null || to === null) throw invalidParam("'from' and 'to' are required");
  // The same answer an incremental /sync from `from` would give in device_lists.
  return deviceLists(m, ctx.requester.userId, from, Math.min(to, m.core.stream.committed));
}

export function keyRoutes(m: MatrixContext): Route[] {
  const k = '/_matrix/client/v3/keys';
  return [
    { method: 'POST', path: `${k}/upload`, auth: 'required', handler: (ctx) => upload(m, ctx) },
    { method: 'POST', path: `${k}/query`, auth: 'required', handler: (ctx) => query(m, ctx) },
    { method: 'POST', path: `${k}/claim`, auth: 'required', handler: (ctx) => claim(m, ctx) },
    { method: 'GET', path: `${k}/changes`, auth: 'required', handler: (ctx) => changes(m, ctx) },
  ];
}
