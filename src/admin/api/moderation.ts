// Account locking and suspension (spec "Account moderation"): the spec's own admin endpoints
// (v1.18, MSC4323: GET/PUT /_matrix/client/v1/admin/lock|suspend/{userId}) and ours under
// /_hearth/admin/v1/users/{userId}/lock|suspend (docs/admin-api.md). Both are reversible and
// keep the account's sessions; what each means for the user is in core (rooms/suspension.ts)
// and the Matrix and XMPP front ends.
import type { AccountRestriction } from '../../core/ports.js';
import type { MatrixContext } from '../../matrix/context.js';
import { badJson, forbidden, invalidParam, notFound } from '../../matrix/errors.js';
import type { AuthedCtx, Route } from '../../matrix/http/types.js';
import { bodyObject } from '../../matrix/http/validate.js';

const FIELD: Record<AccountRestriction, 'locked' | 'suspended'> = { locked: 'locked', suspended: 'suspended' };

function isAdmin(m: MatrixContext, userId: string): boolean {
  const lp = m.core.accounts.localpartOf(userId);
  return lp !== null && m.core.accounts.active(lp)?.admin === true;
}

/** The target's localpart; authorization is checked first so that nobody else can probe for accounts. */
function target(m: MatrixContext, ctx: AuthedCtx): string {
  if (!isAdmin(m, ctx.requester.userId)) throw forbidden('You are not a server admin');
  const userId = ctx.params.userId;
  if (!userId.startsWith('@') || !userId.endsWith(`:${m.core.config.server_name}`)) throw invalidParam('User does not belong to the local server');
  const lp = m.core.accounts.localpartOf(userId);
  if (!lp || !m.core.accounts.active(lp)) throw notFound('User not found');
  return lp;
}

function get(m: MatrixContext, ctx: AuthedCtx, what: AccountRestriction): Record<string, boolean> {
  const lp = target(m, ctx);
  const r = m.core.accounts.get(lp)!;
  return { [FIELD[what]]: what === 'locked' ? r.locked : r.suspended };
}

function put(m: MatrixContext, ctx: AuthedCtx, what: AccountRestriction): Record<string, boolean> {
  const lp = target(m, ctx);
  const on = bodyObject(ctx.body)[FIELD[what]];
  if (typeof on !== 'boolean') throw badJson(`'${FIELD[what]}' must be a boolean`);
  // The spec's 403: not one's own account, not another admin's.
  if (m.core.accounts.userId(lp) === ctx.requester.userId) throw forbidden('You cannot change your own account this way');
  if (m.core.accounts.get(lp)!.admin) throw forbidden('The target user is a server admin');
  m.core.accounts.setRestriction(lp, what, on);
  return { [FIELD[what]]: on };
}

export function moderationRoutes(m: MatrixContext, adminPrefix: string): Route[] {
  const routes: Route[] = [];
  for (const what of ['locked', 'suspended'] as const) {
    const verb = what === 'locked' ? 'lock' : 'suspend';
    for (const path of [`/_matrix/client/v1/admin/${verb}/:userId`, `${adminPrefix}/users/:userId/${verb}`]) {
      routes.push(
        { method: 'GET', path, auth: 'required', handler: (ctx) => get(m, ctx, what) },
        { method: 'PUT', path, auth: 'required', handler: (ctx) => put(m, ctx, what) },
      );
    }
  }
  return routes;
}
