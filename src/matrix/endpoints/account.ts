// Account management (spec client-server-api "Account registration and management"): change
// password and deactivate, both behind UIA with the account's password; the (empty) 3PID list.
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, optionalBoolean, requiredString } from '../http/validate.js';
import { slidingConnectionsOf } from './sliding-sync.js';
import { uiaFor } from '../auth/uia.js';

const PASSWORD_FLOWS = { flows: [['m.login.password']] };

function localpart(m: MatrixContext, userId: string): string {
  const lp = m.core.accounts.localpartOf(userId);
  if (!lp) throw new MatrixError(403, ErrCode.FORBIDDEN, 'Not a local account');
  return lp;
}

async function changePassword(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const body = bodyObject(ctx.body);
  const newPassword = requiredString(body, 'new_password');
  if (newPassword.length === 0) throw new MatrixError(400, ErrCode.WEAK_PASSWORD, 'The password must not be empty');
  const logoutDevices = optionalBoolean(body, 'logout_devices') ?? true;
  await uiaFor(m).require(ctx, body, PASSWORD_FLOWS);
  const { userId, deviceId } = ctx.requester;
  await m.core.accounts.setPassword(localpart(m, userId), newPassword);
  // Spec: with logout_devices (the default) every other device loses its session.
  if (logoutDevices) {
    for (const d of m.core.storage.devices.listDevices(userId)) {
      if (d.deviceId === deviceId) continue;
      m.core.storage.devices.deleteDevice(userId, d.deviceId);
      m.core.storage.refreshTokens.forgetDevice(userId, d.deviceId);
      slidingConnectionsOf(m).forgetDevice(userId, d.deviceId);
    }
    m.ephemeral.pusher.forget();
  }
  return {};
}

/** Leaves every room, ends every session (both protocols), then marks the account deactivated. */
export async function deactivateAccount(m: MatrixContext, userId: string): Promise<void> {
  await m.core.deactivations.deactivate(localpart(m, userId));
}

async function deactivate(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const body = bodyObject(ctx.body);
  optionalBoolean(body, 'erase');
  await uiaFor(m).require(ctx, body, PASSWORD_FLOWS);
  await deactivateAccount(m, ctx.requester.userId);
  // No identity server is ever bound here, so there is nothing to unbind.
  return { id_server_unbind_result: 'no-support' };
}

export function accountRoutes(m: MatrixContext): Route[] {
  return [
    { method: 'POST', path: '/_matrix/client/v3/account/password', auth: 'required', handler: (ctx) => changePassword(m, ctx) },
    { method: 'POST', path: '/_matrix/client/v3/account/deactivate', auth: 'required', handler: (ctx) => deactivate(m, ctx) },
    // Accounts here have no e-mail or phone: an empty list tells clients so.
    { method: 'GET', path: '/_matrix/client/v3/account/3pid', auth: 'required', handler: () => ({ threepids: [] }) },
  ];
}
