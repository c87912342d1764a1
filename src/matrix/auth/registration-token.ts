// The m.login.registration_token UIA stage (spec client-server-api "Token-authenticated
// registration"). The stage only checks the token; its use is counted when the account is
// actually created (consumeRegistrationToken), so an abandoned registration costs nothing.
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError } from '../errors.js';
import type { StageChecker, UiaSession } from './uia.js';

export const REGISTRATION_TOKEN = 'm.login.registration_token';

/** True when the token exists, has not expired and has uses left. */
export function registrationTokenValid(m: MatrixContext, token: string): boolean {
  const t = m.core.storage.registrationTokens.get(token);
  if (!t) return false;
  if (t.expiryTs !== null && t.expiryTs <= Date.now()) return false;
  return t.usesAllowed === null || t.completed < t.usesAllowed;
}

export function registrationTokenStage(m: MatrixContext): StageChecker {
  return ({ auth, session }) => {
    const token = auth.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 64 || !registrationTokenValid(m, token)) {
      throw new MatrixError(401, ErrCode.FORBIDDEN, 'Invalid registration token');
    }
    session.data.registrationToken = token;
    return true;
  };
}

/** Counts the use of the session's token; false when it ran out since the stage passed. */
export function consumeRegistrationToken(m: MatrixContext, session: UiaSession): boolean {
  const token = session.data.registrationToken;
  if (typeof token !== 'string') return true;
  return m.core.storage.registrationTokens.consume(token, Date.now());
}
