// User-Interactive Authentication (spec client-server-api "User-Interactive Authentication API").
// An endpoint that needs it calls `await uiaFor(m).require(ctx, body, { flows })`: the call
// returns once one flow's stages are all done, or throws the spec's 401 body (`flows`, `params`,
// `session`, `completed`, and `errcode`/`error` when the last attempt failed). Sessions live in
// memory with an expiry: a restart only makes a client start its auth again.
import { randomBytes } from 'node:crypto';
import { BoundedMap } from '../../core/bounded-map.js';
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError, badJson } from '../errors.js';
import type { RequestCtx } from '../http/types.js';
import { isObject } from '../http/validate.js';

export type UiaStage = string;

export interface UiaOptions {
  /** Each flow is the list of stage types that complete it, in order. */
  flows: UiaStage[][];
  /** Per-stage parameters shown to the client (the spec's `params`). */
  params?: Record<string, JsonObject>;
}

/** What a stage checker sees: the `auth` dict, who is asking (null when unauthenticated). */
export interface StageInput {
  auth: JsonObject;
  requester: RequestCtx['requester'];
  session: UiaSession;
}

/** Returns true when the stage is done; throws a MatrixError (kept in the 401 body) when not. */
export type StageChecker = (input: StageInput) => boolean | Promise<boolean>;

export interface UiaSession {
  id: string;
  completed: UiaStage[];
  /** The user the session belongs to; a session started by one user cannot be used by another. */
  userId: string | null;
  expiresAt: number;
  /** Free slot for checkers, e.g. the registration token a session has used. */
  data: Record<string, unknown>;
}

/** Sessions expire after this long without use (Synapse uses a similar window). */
export const UIA_SESSION_TTL_MS = 15 * 60 * 1000;
const MAX_SESSIONS = 10_000;

export class Uia {
  private readonly sessions = new BoundedMap<string, UiaSession>(MAX_SESSIONS);
  private readonly checkers = new Map<UiaStage, StageChecker>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Teaches the UIA a stage type; the built-in ones are registered by uiaFor(). */
  registerStage(type: UiaStage, checker: StageChecker): void {
    this.checkers.set(type, checker);
  }

  /**
   * Returns the completed session when a flow is done; otherwise throws 401 with the
   * spec's body. `body` is the request body; its `auth` dict is the client's attempt.
   */
  async require(ctx: Pick<RequestCtx, 'requester'>, body: unknown, opts: UiaOptions): Promise<UiaSession> {
    const auth = isObject(body) && body.auth !== undefined ? body.auth : undefined;
    if (auth !== undefined && !isObject(auth)) throw badJson("'auth' must be an object");
    const userId = ctx.requester?.userId ?? null;
    const session = this.sessionFor(auth, userId);
    let failure: MatrixError | null = null;
    if (auth && auth.type !== undefined) failure = await this.attempt(auth, ctx, session, opts);
    if (opts.flows.some((flow) => flow.every((s) => session.completed.includes(s)))) {
      this.sessions.delete(session.id);
      return session;
    }
    throw this.challenge(session, opts, failure);
  }

  private sessionFor(auth: JsonObject | undefined, userId: string | null): UiaSession {
    const given = auth?.session;
    if (given !== undefined) {
      if (typeof given !== 'string') throw badJson("'auth.session' must be a string");
      const s = this.sessions.get(given);
      // An unknown, expired or foreign session id is refused rather than silently replaced,
      // so a client cannot ride on someone else's completed stages.
      if (!s || s.expiresAt <= this.now() || s.userId !== userId) throw new MatrixError(400, ErrCode.UNKNOWN, 'Unknown or expired UIA session');
      s.expiresAt = this.now() + UIA_SESSION_TTL_MS;
      return s;
    }
    const s: UiaSession = { id: randomBytes(16).toString('base64url'), completed: [], userId, expiresAt: this.now() + UIA_SESSION_TTL_MS, data: {} };
    this.sessions.set(s.id, s);
    return s;
  }

  private async attempt(auth: JsonObject, ctx: Pick<RequestCtx, 'requester'>, session: UiaSession, opts: UiaOptions): Promise<MatrixError | null> {
    const type = auth.type;
    if (typeof type !== 'string') return badJson("'auth.type' must be a string");
    const allowed = opts.flows.some((flow) => flow.includes(type));
    const checker = this.checkers.get(type);
    if (!allowed || !checker) return new MatrixError(401, ErrCode.UNRECOGNIZED, `Stage ${type} is not offered here`);
    // A stage only counts when it comes next in some flow that the completed stages follow.
    const next = opts.flows.some((flow) => flow.slice(0, session.completed.length).every((s, i) => s === session.completed[i]) && flow[session.completed.length] === type);
    if (!next) return new MatrixError(401, ErrCode.FORBIDDEN, `Stage ${type} is not the next stage of any flow`);
    try {
      if (await checker({ auth, requester: ctx.requester, session })) session.completed.push(type);
      return null;
    } catch (err) {
      if (err instanceof MatrixError) return err;
      throw err;
    }
  }

  private challenge(session: UiaSession, opts: UiaOptions, failure: MatrixError | null): MatrixError {
    const extra: Record<string, unknown> = {
      flows: opts.flows.map((stages) => ({ stages })),
      params: opts.params ?? {},
      session: session.id,
      completed: [...session.completed],
    };
    if (!failure) return new UiaChallenge(extra);
    if (failure.status !== 401) return failure;
    return new MatrixError(401, failure.errcode, failure.message, extra);
  }
}

/** The 401 of a UIA step with no error: the body carries no errcode, only the flows. */
export class UiaChallenge extends MatrixError {
  constructor(extra: Record<string, unknown>) {
    super(401, ErrCode.UNAUTHORIZED, 'Additional authentication required', extra);
  }

  override toJSON(): Record<string, unknown> {
    return { ...this.extra };
  }
}

/** The user a password stage names: `identifier` (m.id.user) or the legacy `user` field. */
function passwordUser(auth: JsonObject): string | null {
  const id = auth.identifier;
  if (isObject(id) && id.type === 'm.id.user' && typeof id.user === 'string') return id.user;
  return typeof auth.user === 'string' ? auth.user : null;
}

function passwordStage(m: MatrixContext): StageChecker {
  return async ({ auth, requester }) => {
    const fail = () => new MatrixError(401, ErrCode.FORBIDDEN, 'Invalid username or password');
    if (typeof auth.password !== 'string') throw fail();
    const named = passwordUser(auth);
    const mxid = named === null ? requester?.userId ?? null : named.startsWith('@') ? named : m.core.accounts.userId(named.toLowerCase());
    // The password must be the requester's own: naming another account never passes.
    if (!mxid || (requester && mxid !== requester.userId)) throw fail();
    const lp = m.core.accounts.localpartOf(mxid);
    if (!lp || !m.core.accounts.active(lp) || !(await m.core.accounts.verifyPassword(lp, auth.password))) throw fail();
    return true;
  };
}

const perContext = new WeakMap<MatrixContext, Uia>();

/** The one Uia of a Matrix API instance, with m.login.password and m.login.dummy registered. */
export function uiaFor(m: MatrixContext): Uia {
  let uia = perContext.get(m);
  if (!uia) {
    uia = new Uia();
    uia.registerStage('m.login.password', passwordStage(m));
    uia.registerStage('m.login.dummy', () => true);
    perContext.set(m, uia);
  }
  return uia;
}
