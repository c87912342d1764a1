// Issuing sessions: a device, its access token, and (when the client asks) a refresh token with
// an access token that expires (spec "Refreshing access tokens"). Login, registration, /refresh
// and m.login.token all come through here so the rules are the same everywhere.
import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError } from '../errors.js';

const DEVICE_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function newDeviceId(): string {
  return Array.from(randomBytes(10), (b) => DEVICE_ID_CHARS[b % 26]).join('');
}

function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export interface SessionRequest {
  userId: string;
  deviceId?: string;
  displayName?: string | null;
  /** The client said `refresh_token: true`. */
  refresh: boolean;
}

/** Creates (or replaces) the device's session; the body fields of a login/register response. */
export function issueSession(m: MatrixContext, req: SessionRequest): JsonObject {
  const deviceId = req.deviceId || newDeviceId();
  const accessToken = newToken('hearth');
  m.core.storage.devices.createSession(req.userId, deviceId, req.displayName ?? null, accessToken, Date.now());
  if (!req.refresh) {
    m.core.storage.refreshTokens.forgetDevice(req.userId, deviceId);
    return { user_id: req.userId, access_token: accessToken, device_id: deviceId };
  }
  const lifetime = m.core.config.matrix.registration.access_token_lifetime_ms;
  const refreshToken = newToken('hearthr');
  m.core.storage.refreshTokens.issue(req.userId, deviceId, refreshToken, accessToken, Date.now() + lifetime);
  return { user_id: req.userId, access_token: accessToken, device_id: deviceId, refresh_token: refreshToken, expires_in_ms: lifetime };
}

/** POST /refresh: spends the refresh token and issues a fresh pair for the same device. */
export function refreshSession(m: MatrixContext, refreshToken: string): JsonObject {
  const unknown = () => new MatrixError(401, ErrCode.UNKNOWN_TOKEN, 'Unknown refresh token', { soft_logout: false });
  const owner = m.core.storage.refreshTokens.take(refreshToken);
  if (!owner) throw unknown();
  // A device deleted (or an account deactivated) since the token was issued must stay gone.
  const lp = m.core.accounts.localpartOf(owner.userId);
  const deviceExists = m.core.storage.devices.listDevices(owner.userId).some((d) => d.deviceId === owner.deviceId);
  if (!lp || !m.core.accounts.active(lp) || !deviceExists) throw unknown();
  const { user_id: _u, device_id: _d, ...tokens } = issueSession(m, { userId: owner.userId, deviceId: owner.deviceId, refresh: true });
  return tokens;
}

/** Thrown for an access token past its expiry: clients refresh on soft_logout. */
export function checkAccessExpiry(m: MatrixContext, accessToken: string): void {
  const expires = m.core.storage.refreshTokens.accessExpiry(accessToken);
  if (expires !== null && expires <= Date.now()) {
    throw new MatrixError(401, ErrCode.UNKNOWN_TOKEN, 'Access token has expired', { soft_logout: true });
  }
}

/** Short-lived single-use tokens for m.login.token, kept in memory (spec login/get_token). */
export class LoginTokens {
  private readonly tokens = new Map<string, { userId: string; expiresAt: number }>();
  static readonly TTL_MS = 120_000;

  issue(userId: string): { login_token: string; expires_in_ms: number } {
    const now = Date.now();
    for (const [t, v] of this.tokens) if (v.expiresAt <= now) this.tokens.delete(t);
    const token = newToken('hearthl');
    this.tokens.set(token, { userId, expiresAt: now + LoginTokens.TTL_MS });
    return { login_token: token, expires_in_ms: LoginTokens.TTL_MS };
  }

  /** The user the token logs in, once; null when unknown, used or expired. */
  take(token: string): string | null {
    const v = this.tokens.get(token);
    this.tokens.delete(token);
    return v && v.expiresAt > Date.now() ? v.userId : null;
  }
}

const loginTokens = new WeakMap<MatrixContext, LoginTokens>();

export function loginTokensFor(m: MatrixContext): LoginTokens {
  let t = loginTokens.get(m);
  if (!t) loginTokens.set(m, (t = new LoginTokens()));
  return t;
}
