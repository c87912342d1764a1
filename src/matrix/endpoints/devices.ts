// Device management (spec device_management.yaml). Deleting a device logs it out and forgets its
// keys, behind user-interactive auth; other users see the change in their device lists.
import type { JsonObject } from '../../core/events/types.js';
import type { DeviceRecord } from '../../core/ports.js';
import type { MatrixContext } from '../context.js';
import { badJson, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, optionalString } from '../http/validate.js';
import { uiaFor } from '../auth/uia.js';
import { slidingConnectionsOf } from './sliding-sync.js';
import { commitKeyChange, endDevices } from '../e2ee/changes.js';

function formatDevice(d: DeviceRecord): JsonObject {
  // MSC3852's user agent under both names: Element reads the stable one and, from older servers, the prefixed one.
  const out: JsonObject = { device_id: d.deviceId, display_name: d.displayName, last_seen_ts: d.lastSeenTs, last_seen_ip: d.lastSeenIp };
  if (d.lastSeenUserAgent !== null) out.last_seen_user_agent = out['org.matrix.msc3852.last_seen_user_agent'] = d.lastSeenUserAgent;
  return out;
}

function findDevice(m: MatrixContext, userId: string, deviceId: string): DeviceRecord {
  const d = m.core.storage.devices.listDevices(userId).find((x) => x.deviceId === deviceId);
  if (!d) throw notFound('Unknown device');
  return d;
}

async function rename(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const userId = ctx.requester.userId;
  const name = optionalString(bodyObject(ctx.body), 'display_name');
  findDevice(m, userId, ctx.params.deviceId);
  if (name === undefined) return {};
  await m.core.storage.writes.enqueue(() => { m.core.storage.devices.setDeviceDisplayName(userId, ctx.params.deviceId, name); });
  // The display name is part of what /keys/query returns, so other clients should refetch.
  await commitKeyChange(m.core, userId);
  return {};
}

/** Deletes devices that exist (unknown ones are ignored, as the spec allows) after UIA. */
async function deleteDevices(m: MatrixContext, ctx: AuthedCtx, ids: string[]): Promise<JsonObject> {
  const userId = ctx.requester.userId;
  await uiaFor(m).require(ctx, ctx.body, { flows: [['m.login.password']] });
  const existing = new Set(m.core.storage.devices.listDevices(userId).map((d) => d.deviceId));
  const gone = ids.filter((id) => existing.has(id));
  await endDevices(m.core, userId, gone);
  for (const id of gone) slidingConnectionsOf(m).forgetDevice(userId, id);
  // Their pushers went with them (storage); the pusher's cache must not keep pushing to them.
  m.ephemeral.pusher.forget();
  return {};
}

function deviceIdList(body: JsonObject): string[] {
  const v = body.devices;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badJson("'devices' must be a list of device ids");
  return v as string[];
}

export function deviceRoutes(m: MatrixContext): Route[] {
  const base = '/_matrix/client/v3';
  return [
    {
      method: 'GET', path: `${base}/devices`, auth: 'required',
      handler: (ctx) => ({ devices: m.core.storage.devices.listDevices(ctx.requester.userId).map(formatDevice) }),
    },
    { method: 'GET', path: `${base}/devices/:deviceId`, auth: 'required', handler: (ctx) => formatDevice(findDevice(m, ctx.requester.userId, ctx.params.deviceId)) },
    { method: 'PUT', path: `${base}/devices/:deviceId`, auth: 'required', handler: (ctx) => rename(m, ctx) },
    {
      method: 'DELETE', path: `${base}/devices/:deviceId`, auth: 'required',
      handler: (ctx) => { bodyObject(ctx.body); return deleteDevices(m, ctx, [ctx.params.deviceId]); },
    },
    { method: 'POST', path: `${base}/delete_devices`, auth: 'required', handler: (ctx) => deleteDevices(m, ctx, deviceIdList(bodyObject(ctx.body))) },
  ];
}
