// Account registration (spec registration.yaml: POST /register, GET /register/available, and
// GET /register/m.login.registration_token/validity). Closed unless matrix.registration.enabled;
// with require_token each registration needs a token made by the admin API or `hearth token add`.
import { randomBytes } from 'node:crypto';
import { AccountError } from '../../core/accounts/service.js';
import type { JsonObject } from '../../core/events/types.js';
import { isValidLocalpart } from '../../core/ids.js';
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError, forbidden, missingParam } from '../errors.js';
import type { RequestCtx, Route } from '../http/types.js';
import { bodyObject, optionalBoolean, optionalString } from '../http/validate.js';
import { REGISTRATION_TOKEN, consumeRegistrationToken, registrationTokenStage, registrationTokenValid } from '../auth/registration-token.js';
import { issueSession } from '../auth/sessions.js';
import { uiaFor } from '../auth/uia.js';

const MAX_LOCALPART = 64;

function requireOpen(m: MatrixContext): void {
  if (!m.core.config.matrix.registration.enabled) throw forbidden('Registration is disabled');
}

/**
 * Why a requested user name cannot be registered, or null when its form is fine. Names starting
 * with '_' belong to the server (XMPP puppets are @_xmpp_...), as Synapse reserves them for
 * appservices.
 */
export function usernameProblem(name: string): string | null {
  if (name.length === 0 || name.length > MAX_LOCALPART) return `User names are 1 to ${MAX_LOCALPART} characters`;
  if (name !== name.toLowerCase() || !isValidLocalpart(name)) return 'User names may hold only a-z, 0-9 and . _ = - / +';
  if (name.startsWith('_')) return 'User names starting with _ are reserved';
  return null;
}

/** Refuses a name that is malformed, reserved or taken, with the spec's error codes. */
function checkUsername(m: MatrixContext, name: string): string {
  const problem = usernameProblem(name);
  if (problem !== null) throw new MatrixError(400, ErrCode.INVALID_USERNAME, problem);
  if (m.core.accounts.get(name)) throw new MatrixError(400, ErrCode.USER_IN_USE, 'User ID already taken');
  return name;
}

function flows(m: MatrixContext): string[][] {
  return m.core.config.matrix.registration.require_token ? [[REGISTRATION_TOKEN]] : [['m.login.dummy']];
}

function generatedName(m: MatrixContext): string {
  for (;;) {
    const name = `user${randomBytes(5).toString('hex')}`;
    if (!m.core.accounts.get(name)) return name;
  }
}

async function register(m: MatrixContext, ctx: RequestCtx): Promise<JsonObject> {
  const kind = ctx.query.get('kind') ?? 'user';
  if (kind === 'guest') throw new MatrixError(403, ErrCode.GUEST_ACCESS_FORBIDDEN, 'Guest access is disabled');
  if (kind !== 'user') throw new MatrixError(400, ErrCode.INVALID_PARAM, "'kind' must be 'user' or 'guest'");
  requireOpen(m);
  const body = bodyObject(ctx.body);
  const given = optionalString(body, 'username');
  const name = given === undefined ? generatedName(m) : checkUsername(m, given);
  const password = optionalString(body, 'password');
  if (password === undefined) throw missingParam("Missing 'password'");
  if (password.length === 0) throw new MatrixError(400, ErrCode.WEAK_PASSWORD, 'The password must not be empty');
  const deviceId = optionalString(body, 'device_id');
  const displayName = optionalString(body, 'initial_device_display_name');
  const inhibitLogin = optionalBoolean(body, 'inhibit_login') ?? false;
  const refresh = optionalBoolean(body, 'refresh_token') ?? false;
  const session = await uiaFor(m).require(ctx, body, { flows: flows(m) });
  // Checked again: the name may have been taken while the client went through the stages.
  checkUsername(m, name);
  if (!consumeRegistrationToken(m, session)) throw forbidden('Invalid registration token');
  try {
    await m.core.accounts.create(name, password);
  } catch (err) {
    if (err instanceof AccountError && err.code === 'user_in_use') throw new MatrixError(400, ErrCode.USER_IN_USE, 'User ID already taken');
    throw err;
  }
  const userId = m.core.accounts.userId(name);
  if (inhibitLogin) return { user_id: userId, home_server: m.core.config.server_name };
  return { ...issueSession(m, { userId, deviceId, displayName, refresh }), home_server: m.core.config.server_name };
}

function available(m: MatrixContext, ctx: RequestCtx): JsonObject {
  requireOpen(m);
  const name = ctx.query.get('username');
  if (name === null) throw missingParam("Missing 'username'");
  checkUsername(m, name);
  return { available: true };
}

function tokenValidity(m: MatrixContext, ctx: RequestCtx): JsonObject {
  if (!m.core.config.matrix.registration.enabled || !m.core.config.matrix.registration.require_token) {
    throw forbidden('Token-authenticated registration is not enabled');
  }
  const token = ctx.query.get('token');
  if (token === null) throw missingParam("Missing 'token'");
  return { valid: registrationTokenValid(m, token) };
}

export function registerRoutes(m: MatrixContext): Route[] {
  uiaFor(m).registerStage(REGISTRATION_TOKEN, registrationTokenStage(m));
  return [
    { method: 'POST', path: '/_matrix/client/v3/register', auth: 'none', handler: (ctx) => register(m, ctx) },
    { method: 'GET', path: '/_matrix/client/v3/register/available', auth: 'none', handler: (ctx) => available(m, ctx) },
    {
      method: 'GET', path: '/_matrix/client/v1/register/m.login.registration_token/validity', auth: 'none',
      handler: (ctx) => tokenValidity(m, ctx),
    },
  ];
}
