// The admin HTTP API, on the Matrix listener under /_hearth/admin/v1/ (docs/admin-api.md). Every
// call needs the access token of an account with the admin flag; anyone else gets 403.
import type { MatrixContext } from '../../matrix/context.js';
import { forbidden } from '../../matrix/errors.js';
import type { AuthedCtx, Handler, Route } from '../../matrix/http/types.js';
import { roomAdminRoutes } from './rooms.js';
import { tokenAdminRoutes } from './tokens.js';
import { userAdminRoutes } from './users.js';
import { moderationRoutes } from './moderation.js';

export const ADMIN_PREFIX = '/_hearth/admin/v1';

export type AdminRoute = { method: Route['method']; path: string; handler: Handler<AuthedCtx> };

function requireAdmin(m: MatrixContext, handler: Handler<AuthedCtx>): Handler<AuthedCtx> {
  return (ctx) => {
    const lp = m.core.accounts.localpartOf(ctx.requester.userId);
    if (!lp || !m.core.accounts.active(lp)?.admin) throw forbidden('You are not a server admin');
    return handler(ctx);
  };
}

function statistics(m: MatrixContext): Record<string, unknown> {
  const c = m.core.storage.admin.counts();
  return {
    users: c.users,
    deactivated_users: c.deactivatedUsers,
    rooms: c.rooms,
    events: c.events,
    devices: c.devices,
    uptime_ms: Math.round(process.uptime() * 1000),
    memory_rss_bytes: process.memoryUsage().rss,
  };
}

export function adminRoutes(m: MatrixContext): Route[] {
  const all: AdminRoute[] = [
    ...userAdminRoutes(m),
    ...roomAdminRoutes(m),
    ...tokenAdminRoutes(m),
    { method: 'GET', path: '/statistics', handler: () => statistics(m) },
    {
      method: 'GET', path: '/reports',
      handler: () => ({
        reports: m.core.storage.reports.list().map((r) => ({
          id: r.id, room_id: r.roomId, event_id: r.eventId, user_id: r.userId, reason: r.reason, score: r.score, received_ts: r.ts,
        })),
        user_reports: m.core.storage.reports.listUsers().map((r) => ({
          id: r.id, target_user_id: r.targetUserId, user_id: r.userId, reason: r.reason, received_ts: r.ts,
        })),
      }),
    },
  ];
  return [
    ...all.map((r): Route => ({ method: r.method, path: `${ADMIN_PREFIX}${r.path}`, auth: 'required', handler: requireAdmin(m, r.handler) })),
    ...moderationRoutes(m, ADMIN_PREFIX),
  ];
}
