// Admin API: users. List, show, create, deactivate (leaving rooms), reset password, make admin.
import { AccountError } from '../../core/accounts/service.js';
import type { AccountRecord } from '../../core/ports.js';
import type { MatrixContext } from '../../matrix/context.js';
import { deactivateAccount } from '../../matrix/endpoints/account.js';
import { slidingConnectionsOf } from '../../matrix/endpoints/sliding-sync.js';
import { ErrCode, MatrixError, badJson, notFound } from '../../matrix/errors.js';
import type { AuthedCtx } from '../../matrix/http/types.js';
import { bodyObject, optionalBoolean, requiredString } from '../../matrix/http/validate.js';
import type { AdminRoute } from './index.js';

function summary(m: MatrixContext, a: AccountRecord): Record<string, unknown> {
  return {
    user_id: m.core.accounts.userId(a.localpart),
    xmpp_jid: `${a.localpart}@${m.core.config.server_name}`,
    admin: a.admin,
    deactivated: a.deactivated,
    locked: a.locked,
    suspended: a.suspended,
    displayname: a.displayname,
    avatar_url: a.avatarUrl,
    created_ts: a.createdTs,
  };
}

/** The account named by the :userId path parameter (a full local MXID). */
function target(m: MatrixContext, ctx: AuthedCtx): { lp: string; userId: string; account: AccountRecord } {
  const userId = ctx.params.userId;
  const lp = m.core.accounts.localpartOf(userId);
  const account = lp ? m.core.accounts.get(lp) : null;
  if (!lp || !account) throw notFound(`No local user ${userId}`);
  return { lp, userId, account };
}

function show(m: MatrixContext, ctx: AuthedCtx): Record<string, unknown> {
  const { userId, account } = target(m, ctx);
  return {
    ...summary(m, account),
    devices: m.core.storage.devices.listDevices(userId).map((d) => ({
      device_id: d.deviceId, display_name: d.displayName, last_seen_ts: d.lastSeenTs, last_seen_ip: d.lastSeenIp, last_seen_user_agent: d.lastSeenUserAgent,
    })),
    joined_rooms: m.core.storage.rooms.roomsForUser(userId, ['join']).map((r) => r.roomId),
  };
}

function mapAccountError(err: unknown): never {
  if (err instanceof AccountError) {
    if (err.code === 'user_in_use') throw new MatrixError(400, ErrCode.USER_IN_USE, err.message);
    if (err.code === 'invalid_username') throw new MatrixError(400, ErrCode.INVALID_USERNAME, err.message);
    if (err.code === 'weak_password') throw new MatrixError(400, ErrCode.WEAK_PASSWORD, err.message);
    if (err.code === 'not_found') throw notFound(err.message);
  }
  throw err;
}

async function create(m: MatrixContext, ctx: AuthedCtx): Promise<Record<string, unknown>> {
  const body = bodyObject(ctx.body);
  const localpart = requiredString(body, 'localpart');
  const password = requiredString(body, 'password');
  const admin = optionalBoolean(body, 'admin') ?? false;
  try {
    return summary(m, await m.core.accounts.create(localpart, password, admin));
  } catch (err) {
    return mapAccountError(err);
  }
}

async function resetPassword(m: MatrixContext, ctx: AuthedCtx): Promise<Record<string, unknown>> {
  const { lp, userId } = target(m, ctx);
  const body = bodyObject(ctx.body);
  const password = requiredString(body, 'password');
  const logout = optionalBoolean(body, 'logout_devices') ?? true;
  try {
    await m.core.accounts.setPassword(lp, password);
  } catch (err) {
    mapAccountError(err);
  }
  if (logout) {
    for (const d of m.core.storage.devices.listDevices(userId)) {
      m.core.storage.refreshTokens.forgetDevice(userId, d.deviceId);
      slidingConnectionsOf(m).forgetDevice(userId, d.deviceId);
    }
    m.core.storage.devices.deleteAllDevices(userId);
  }
  return {};
}

async function deactivate(m: MatrixContext, ctx: AuthedCtx): Promise<Record<string, unknown>> {
  const { userId, account } = target(m, ctx);
  if (!account.deactivated) await deactivateAccount(m, userId);
  return { deactivated: true };
}

function setAdmin(m: MatrixContext, ctx: AuthedCtx): Record<string, unknown> {
  const { lp } = target(m, ctx);
  const admin = bodyObject(ctx.body).admin;
  if (typeof admin !== 'boolean') throw badJson("'admin' must be a boolean");
  m.core.storage.accounts.setAdmin(lp, admin);
  return { admin };
}

export function userAdminRoutes(m: MatrixContext): AdminRoute[] {
  return [
    { method: 'GET', path: '/users', handler: () => ({ users: m.core.accounts.list().map((a) => summary(m, a)) }) },
    { method: 'POST', path: '/users', handler: (ctx) => create(m, ctx) },
    { method: 'GET', path: '/users/:userId', handler: (ctx) => show(m, ctx) },
    { method: 'POST', path: '/users/:userId/deactivate', handler: (ctx) => deactivate(m, ctx) },
    { method: 'POST', path: '/users/:userId/password', handler: (ctx) => resetPassword(m, ctx) },
    { method: 'PUT', path: '/users/:userId/admin', handler: (ctx) => setAdmin(m, ctx) },
  ];
}
