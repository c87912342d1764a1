// GET /notifications (spec notifications.yaml): events the user was notified of, newest first.
import type { MatrixContext } from '../context.js';
import { invalidParam } from '../errors.js';
import type { Route } from '../http/types.js';
import { intQuery } from '../http/validate.js';

export function notificationRoutes(m: MatrixContext): Route[] {
  return [{
    method: 'GET', path: '/_matrix/client/v3/notifications', auth: 'required',
    handler: (ctx) => {
      const from = ctx.query.get('from');
      if (from !== null && from !== '' && !/^\d+$/.test(from)) throw invalidParam("'from' is not a token from this endpoint");
      const before = from ? Number(from) : m.core.stream.committed + 1;
      const limit = intQuery(ctx.query, 'limit', 20, 1, 100);
      const only = ctx.query.get('only');
      const found = m.ephemeral.counts.list(ctx.requester.userId, before, limit + 1, only === 'highlight');
      const page = found.slice(0, limit);
      const events = m.formatter.formatTimeline(page.map((n) => n.ev), ctx.requester, true);
      const notifications = page.map((n, i) => ({
        actions: n.outcome.actions, event: events[i], read: n.read, room_id: n.ev.pdu.room_id, ts: n.ev.pdu.origin_server_ts,
      }));
      const out: Record<string, unknown> = { notifications };
      if (found.length > limit) out.next_token = String(page[page.length - 1].ev.stream);
      return out;
    },
  }];
}
