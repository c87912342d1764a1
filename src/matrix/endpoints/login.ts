// Session management (spec login.yaml, logout.yaml, whoami.yaml, refresh.yaml, login_token.yaml):
// password and m.login.token logins, refresh tokens, logout, whoami.
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { endDevices } from '../e2ee/changes.js';
import { ErrCode, MatrixError, badJson, forbidden, userLocked } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, isObject, optionalBoolean, optionalString, requiredString } from '../http/validate.js';
import { issueSession, loginTokensFor, refreshSession } from '../auth/sessions.js';
import { uiaFor } from '../auth/uia.js';
import { slidingConnectionsOf } from './sliding-sync.js';

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

/** The account a password login names, when the password is right; one error for every failure. */
export async function passwordLogin(m: MatrixContext, body: JsonObject): Promise<string> {
  const user = loginUser(body);
  const password = requiredString(body, 'password');
  const lp = localpartFor(m, user);
  const account = lp ? m.core.accounts.get(lp) : null;
  // One answer for unknown user and wrong password, so logins cannot probe for accounts.
  if (!lp || !account || account.deactivated || !(await m.core.accounts.verifyPassword(lp, password))) {
    throw forbidden('Invalid username or password');
  }
  return m.core.accounts.userId(lp);
}

/** m.login.token: a single-use token from POST /login/get_token. */
function tokenLogin(m: MatrixContext, body: JsonObject): string {
  const userId = loginTokensFor(m).take(requiredString(body, 'token'));
  const lp = userId === null ? null : m.core.accounts.localpartOf(userId);
  if (!lp || !m.core.accounts.active(lp)) throw forbidden('Invalid login token');
  return m.core.accounts.userId(lp);
}

async function login(m: MatrixContext, raw: unknown): Promise<JsonObject> {
  const body = bodyObject(raw);
  let userId: string;
  if (body.type === 'm.login.password') userId = await passwordLogin(m, body);
  else if (body.type === 'm.login.token') userId = tokenLogin(m, body);
  else throw new MatrixError(400, ErrCode.UNKNOWN, 'Unknown login type');
  // A suspended account may log in (its sessions are suspended too); a locked one may not.
  if (m.core.accounts.restriction(m.core.accounts.localpartOf(userId)!) === 'locked') throw userLocked();
  const session = issueSession(m, {
    userId,
    deviceId: optionalString(body, 'device_id'),
    displayName: optionalString(body, 'initial_device_display_name') ?? null,
    refresh: optionalBoolean(body, 'refresh_token') ?? false,
  });
  return { ...session, home_server: m.core.config.server_name, well_known: { 'm.homeserver': { base_url: m.baseUrl() } } };
}

/** POST /login/get_token: a short-lived login token for another device, behind UIA (spec v1.7). */
async function getLoginToken(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  await uiaFor(m).require(ctx, bodyObject(ctx.body), { flows: [['m.login.password']] });
  return loginTokensFor(m).issue(ctx.requester.userId);
}

async function logout(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const { userId, deviceId } = ctx.requester;
  await endDevices(m.core, userId, [deviceId]);
  slidingConnectionsOf(m).forgetDevice(userId, deviceId);
  m.ephemeral.pusher.forget();
  return {};
}

async function logoutAll(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const userId = ctx.requester.userId;
  const ids = m.core.storage.devices.listDevices(userId).map((d) => d.deviceId);
  await endDevices(m.core, userId, ids);
  for (const id of ids) slidingConnectionsOf(m).forgetDevice(userId, id);
  m.ephemeral.pusher.forget();
  return {};
}

export function loginRoutes(m: MatrixContext): Route[] {
  const flows = { flows: [{ type: 'm.login.password' }, { type: 'm.login.token', get_login_token: true }] };
  return [
    { method: 'GET', path: '/_matrix/client/v3/login', auth: 'none', handler: () => flows },
    { method: 'POST', path: '/_matrix/client/v3/login', auth: 'none', handler: (ctx) => login(m, ctx.body) },
    {
      method: 'POST', path: '/_matrix/client/v3/refresh', auth: 'none',
      handler: (ctx) => refreshSession(m, requiredString(bodyObject(ctx.body), 'refresh_token')),
    },
    { method: 'POST', path: '/_matrix/client/v1/login/get_token', auth: 'required', handler: (ctx) => getLoginToken(m, ctx) },
    { method: 'POST', path: '/_matrix/client/v3/logout', auth: 'required', whileLocked: true, handler: (ctx) => logout(m, ctx) },
    { method: 'POST', path: '/_matrix/client/v3/logout/all', auth: 'required', whileLocked: true, handler: (ctx) => logoutAll(m, ctx) },
    {
      method: 'GET', path: '/_matrix/client/v3/account/whoami', auth: 'required',
      handler: (ctx) => ({ user_id: ctx.requester.userId, device_id: ctx.requester.deviceId, is_guest: false }),
    },
  ];
}
