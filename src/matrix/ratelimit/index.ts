// Rate limits on login, registration and sending (DESIGN §6): one token bucket per account and
// one per client address for each action, switched by matrix.rate_limits. A refusal is the
// spec's 429 M_LIMIT_EXCEEDED with retry_after_ms.
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError } from '../errors.js';
import type { Handler, RequestCtx, Route } from '../http/types.js';
import { isObject } from '../http/validate.js';
import { RateLimiter } from './bucket.js';

export type RateLimitKind = 'login' | 'registration' | 'message';

/** Which routes each limit guards: method and path template, as in the route table. */
const GUARDED: { method: string; path: RegExp; kind: RateLimitKind }[] = [
  { method: 'POST', path: /^\/_matrix\/client\/v3\/login$/, kind: 'login' },
  { method: 'POST', path: /^\/_matrix\/client\/v3\/register$/, kind: 'registration' },
  { method: 'PUT', path: /^\/_matrix\/client\/v3\/rooms\/:roomId\/send\//, kind: 'message' },
];

/**
 * An address's bucket is this many times an account's for logins and messages: several people
 * share one address behind a home router. Registration has no account yet, so it is 1 there.
 */
const ADDRESS_FACTOR: Record<RateLimitKind, number> = { login: 5, registration: 1, message: 5 };

export class RateLimits {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(m: MatrixContext, private readonly now: () => number = Date.now) {
    const cfg = m.core.config.matrix.rate_limits;
    if (!cfg.enabled) return;
    for (const kind of ['login', 'registration', 'message'] as const) {
      const c = cfg[kind];
      const f = ADDRESS_FACTOR[kind];
      this.limiters.set(`${kind}:user`, new RateLimiter({ perSecond: c.per_second, burst: c.burst }));
      this.limiters.set(`${kind}:ip`, new RateLimiter({ perSecond: c.per_second * f, burst: c.burst * f }));
    }
  }

  /**
   * Spends one token from each key's bucket, or throws 429 without spending any when one of
   * them is empty (so a refused request does not drain the other buckets). Keys are
   * `ip:ADDRESS` or `user:NAME`.
   */
  /** False when matrix.rate_limits is off: nothing is ever refused. */
  get enabled(): boolean {
    return this.limiters.size > 0;
  }

  check(kind: RateLimitKind, keys: string[]): void {
    if (this.limiters.size === 0) return;
    const t = this.now();
    const pairs = keys.map((k) => [this.limiters.get(`${kind}:${k.slice(0, k.indexOf(':'))}`)!, k] as const);
    const wait = Math.max(0, ...pairs.map(([rl, k]) => rl.wait(k, t)));
    if (wait > 0) throw new MatrixError(429, ErrCode.LIMIT_EXCEEDED, 'Too many requests', { retry_after_ms: wait });
    for (const [rl, k] of pairs) rl.take(k, t);
  }
}

/** The account a login attempt names (lower-cased), so guessing one password is slowed too. */
function loginTarget(body: unknown): string | null {
  if (!isObject(body)) return null;
  const id = body.identifier;
  const user = isObject(id) ? id.user : body.user;
  if (typeof user !== 'string') return null;
  // '@alice:server' and 'alice' name the same account and share one bucket.
  const lp = user.startsWith('@') ? user.slice(1).split(':')[0] : user;
  return lp.toLowerCase();
}

function keysFor(kind: RateLimitKind, ctx: RequestCtx): string[] {
  const keys = [`ip:${ctx.ip ?? ''}`];
  if (kind === 'message' && ctx.requester) keys.push(`user:${ctx.requester.userId}`);
  if (kind === 'login') {
    const target = loginTarget(ctx.body);
    if (target !== null) keys.push(`user:${target}`);
  }
  return keys;
}

function guarded(limits: RateLimits, kind: RateLimitKind, handler: Handler<RequestCtx>): Handler<RequestCtx> {
  return (ctx) => {
    limits.check(kind, keysFor(kind, ctx));
    return handler(ctx);
  };
}

/** Wraps the handlers of the guarded routes; the rest pass through untouched. */
export function withRateLimits(m: MatrixContext, routes: Route[]): Route[] {
  const limits = new RateLimits(m);
  // Off: no wrapper, so a request pays nothing for the limits (not even building their keys).
  if (!limits.enabled) return routes;
  return routes.map((r) => {
    const g = GUARDED.find((x) => x.method === r.method && x.path.test(r.path));
    if (!g) return r;
    return { ...r, handler: guarded(limits, g.kind, r.handler as Handler<RequestCtx>) } as Route;
  });
}
