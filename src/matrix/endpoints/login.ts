// Session management (spec login.yaml, logout.yaml, whoami.yaml) and closed registration.
import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError, badJson, forbidden } from '../errors.js';
import type { Route } from '../http/types.js';
import { bodyObject, isObject, optionalString, requiredString } from '../http/validate.js';

const DEVICE_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function newDeviceId(): string {
  return Array.from(randomBytes(10), (b) => DEVICE_ID_CHARS[b % 26]).join('');
}

function newAccessToken(): string {
  return `hearth_${randomBytes(32).toString('base64url')}`;
}

/** The user named by a login request: `identifier` (m.id.user) or the legacy `user` field. */
function loginUser(body: JsonObject): string {
  const id = body.identifier;
  if (id !== undefined) {
    if (!isObject(id)) throw badJson("'identifier' must be an object");
    if (id.type !== 'm.id.user') throw new MatrixError(400, ErrCode.UNKNOWN, 'Unknown login identifier type');
    return requiredString(id, 'user');
  }
  return requiredString(body, 'user');
}

/** A full local MXID or a bare localpart, lower-cased as Synapse does; null for anyone else's. */
function localpartFor(m: MatrixContext, user: string): string | null {
  if (user.startsWith('@')) return m.core.accounts.localpartOf(user.toLowerCase());
  return user.toLowerCase();
}

async function login(m: MatrixContext, raw: unknown): Promise<JsonObject> {
  const body = bodyObject(raw);
  if (body.type !== 'm.login.password') throw new MatrixError(400, ErrCode.UNKNOWN, 'Unknown login type');
  const user = loginUser(body);
  const password = requiredString(body, 'password');
  const lp = localpartFor(m, user);
  const account = lp ? m.core.accounts.get(lp) : null;
  // One answer for unknown user and wrong password, so logins cannot probe for accounts.
  if (!lp || !account || account.deactivated || !(await m.core.accounts.verifyPassword(lp, password))) {
    throw forbidden('Invalid username or password');
  }
  const userId = m.core.accounts.userId(lp);
  const deviceId = optionalString(body, 'device_id') || newDeviceId();
  const accessToken = newAccessToken();
  m.core.storage.devices.createSession(userId, deviceId, optionalString(body, 'initial_device_display_name') ?? null, accessToken, Date.now());
  return {
    user_id: userId,
    access_token: accessToken,
    device_id: deviceId,
    home_server: m.core.config.server_name,
    well_known: { 'm.homeserver': { base_url: m.baseUrl() } },
  };
}

export function loginRoutes(m: MatrixContext): Route[] {
  return [
    { method: 'GET', path: '/_matrix/client/v3/login', auth: 'none', handler: () => ({ flows: [{ type: 'm.login.password' }] }) },
    { method: 'POST', path: '/_matrix/client/v3/login', auth: 'none', handler: (ctx) => login(m, ctx.body) },
    {
      method: 'POST', path: '/_matrix/client/v3/logout', auth: 'required',
      handler: (ctx) => { m.core.storage.devices.deleteDevice(ctx.requester.userId, ctx.requester.deviceId); return {}; },
    },
    {
      method: 'POST', path: '/_matrix/client/v3/logout/all', auth: 'required',
      handler: (ctx) => { m.core.storage.devices.deleteAllDevices(ctx.requester.userId); return {}; },
    },
    {
      method: 'GET', path: '/_matrix/client/v3/account/whoami', auth: 'required',
      handler: (ctx) => ({ user_id: ctx.requester.userId, device_id: ctx.requester.deviceId, is_guest: false }),
    },
    // Registration is closed by default (DESIGN §4); accounts come from `hearth user add`.
    {
      method: 'GET', path: '/_matrix/client/v3/register/available', auth: 'none',
      handler: () => { throw forbidden('Registration is disabled'); },
    },
    { method: 'POST', path: '/_matrix/client/v3/register', auth: 'none', handler: () => { throw forbidden('Registration is disabled'); } },
  ];
}
