// The M_* error catalogue of the Client-Server API (spec: client-server-api "Standard error
// response" and "Other error codes"), in one place, and the mapping from core errors. Handlers
// throw MatrixError; the HTTP layer turns anything else into 500 M_UNKNOWN.
import { RoomError, type RoomErrorCode } from '../core/rooms/errors.js';
import { CanonicalJsonError } from '../core/events/index.js';

export const ErrCode = {
  FORBIDDEN: 'M_FORBIDDEN',
  UNKNOWN_TOKEN: 'M_UNKNOWN_TOKEN',
  MISSING_TOKEN: 'M_MISSING_TOKEN',
  USER_DEACTIVATED: 'M_USER_DEACTIVATED',
  BAD_JSON: 'M_BAD_JSON',
  NOT_JSON: 'M_NOT_JSON',
  NOT_FOUND: 'M_NOT_FOUND',
  LIMIT_EXCEEDED: 'M_LIMIT_EXCEEDED',
  UNRECOGNIZED: 'M_UNRECOGNIZED',
  UNKNOWN: 'M_UNKNOWN',
  MISSING_PARAM: 'M_MISSING_PARAM',
  INVALID_PARAM: 'M_INVALID_PARAM',
  TOO_LARGE: 'M_TOO_LARGE',
  ROOM_IN_USE: 'M_ROOM_IN_USE',
  INVALID_ROOM_STATE: 'M_INVALID_ROOM_STATE',
  UNSUPPORTED_ROOM_VERSION: 'M_UNSUPPORTED_ROOM_VERSION',
  BAD_ALIAS: 'M_BAD_ALIAS',
  INVALID_USERNAME: 'M_INVALID_USERNAME',
  // Not raised yet; listed so the modules still to come (registration, rate limits, UIA,
  // appservices, room upgrades) take their codes from here.
  USER_IN_USE: 'M_USER_IN_USE',
  WEAK_PASSWORD: 'M_WEAK_PASSWORD',
  UNAUTHORIZED: 'M_UNAUTHORIZED',
  USER_LOCKED: 'M_USER_LOCKED',
  USER_SUSPENDED: 'M_USER_SUSPENDED',
  EXCLUSIVE: 'M_EXCLUSIVE',
  GUEST_ACCESS_FORBIDDEN: 'M_GUEST_ACCESS_FORBIDDEN',
  INCOMPATIBLE_ROOM_VERSION: 'M_INCOMPATIBLE_ROOM_VERSION',
  BAD_STATE: 'M_BAD_STATE',
  RESOURCE_LIMIT_EXCEEDED: 'M_RESOURCE_LIMIT_EXCEEDED',
  WRONG_ROOM_KEYS_VERSION: 'M_WRONG_ROOM_KEYS_VERSION',
  /** v1.16 extended profiles (MSC4133). */
  PROFILE_TOO_LARGE: 'M_PROFILE_TOO_LARGE',
  KEY_TOO_LARGE: 'M_KEY_TOO_LARGE',
  /** v1.18 (MSC4335): a per-user limit (rooms, media, ...) was reached. Not raised yet. */
  USER_LIMIT_EXCEEDED: 'M_USER_LIMIT_EXCEEDED',
  /** v1.18 invite blocking (MSC4380): the invitee blocks invites from this sender. */
  INVITE_BLOCKED: 'M_INVITE_BLOCKED',
  /** MSC4186: a sliding sync `pos` the server does not hold (expired, or from before a restart). */
  UNKNOWN_POS: 'M_UNKNOWN_POS',
  /** MSC4306 (unstable names): an automatic subscription's cause event is not in the thread. */
  NOT_IN_THREAD: 'IO.ELEMENT.MSC4306.M_NOT_IN_THREAD',
  /** MSC4306: an automatic subscription for an event the user saw before unsubscribing. */
  CONFLICTING_UNSUBSCRIPTION: 'IO.ELEMENT.MSC4306.M_CONFLICTING_UNSUBSCRIPTION',
} as const;

export type ErrCodeValue = (typeof ErrCode)[keyof typeof ErrCode];

export class MatrixError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: ErrCodeValue,
    message: string,
    /** Extra keys of the error body, e.g. soft_logout on M_UNKNOWN_TOKEN. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}

// Short constructors for the common cases, so handlers read like the spec's error tables.
export const forbidden = (msg: string) => new MatrixError(403, ErrCode.FORBIDDEN, msg);
/** Spec "Account locking": every call but logout; the client keeps its session (soft logout). */
export const userLocked = () => new MatrixError(401, ErrCode.USER_LOCKED, 'This account has been locked', { soft_logout: true });
export const userSuspended = () => new MatrixError(403, ErrCode.USER_SUSPENDED, 'You cannot perform this action while suspended');
export const notFound = (msg: string) => new MatrixError(404, ErrCode.NOT_FOUND, msg);
export const badJson = (msg: string) => new MatrixError(400, ErrCode.BAD_JSON, msg);
export const invalidParam = (msg: string) => new MatrixError(400, ErrCode.INVALID_PARAM, msg);
export const missingParam = (msg: string) => new MatrixError(400, ErrCode.MISSING_PARAM, msg);
export const unrecognized = (status: 404 | 405, msg = 'Unrecognized request') => new MatrixError(status, ErrCode.UNRECOGNIZED, msg);

const ROOM_ERRORS: Record<RoomErrorCode, [number, ErrCodeValue]> = {
  forbidden: [403, ErrCode.FORBIDDEN],
  not_found: [404, ErrCode.NOT_FOUND],
  too_large: [413, ErrCode.TOO_LARGE],
  bad_event: [400, ErrCode.BAD_JSON],
  unsupported_version: [400, ErrCode.UNSUPPORTED_ROOM_VERSION],
  suspended: [403, ErrCode.USER_SUSPENDED],
};

/** The Matrix error for a known core error, or null for anything unexpected (a 500). */
export function toMatrixError(err: unknown): MatrixError | null {
  if (err instanceof MatrixError) return err;
  if (err instanceof RoomError) {
    const [status, code] = ROOM_ERRORS[err.code];
    return new MatrixError(status, code, err.message);
  }
  // Client content that is not canonical JSON (floats, out-of-range integers) cannot be an event.
  if (err instanceof CanonicalJsonError) return badJson(err.message);
  return null;
}
