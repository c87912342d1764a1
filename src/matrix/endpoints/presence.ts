// GET/PUT /presence/{userId}/status (spec presence.md, presence.yaml). With `matrix.presence`
// off, a PUT is accepted and ignored and everyone reads as offline (what Synapse does).
import type { MatrixContext } from '../context.js';
import { badJson, forbidden, invalidParam, missingParam, notFound } from '../errors.js';
import type { Route } from '../http/types.js';
import { bodyObject, optionalString, userIdParam } from '../http/validate.js';
import { PRESENCE_STATES, type PresenceState } from '../../core/ephemeral/presence.js';

export function parsePresence(v: unknown): PresenceState {
  if (typeof v !== 'string' || !(PRESENCE_STATES as readonly string[]).includes(v)) {
    throw badJson(`'presence' must be one of ${PRESENCE_STATES.join(', ')}`);
  }
  return v as PresenceState;
}

export function presenceRoutes(m: MatrixContext): Route[] {
  const path = '/_matrix/client/v3/presence/:userId/status';
  return [
    {
      method: 'PUT', path, auth: 'required',
      handler: async (ctx) => {
        const userId = userIdParam(ctx.params.userId);
        if (userId !== ctx.requester.userId) throw forbidden('Cannot set the presence of another user');
        const body = bodyObject(ctx.body);
        if (body.presence === undefined) throw missingParam("Missing 'presence'");
        await m.ephemeral.presence.set(userId, parsePresence(body.presence), optionalString(body, 'status_msg') ?? null);
        return {};
      },
    },
    {
      method: 'GET', path, auth: 'required',
      handler: (ctx) => {
        const userId = userIdParam(ctx.params.userId);
        const p = m.ephemeral.presence;
        const local = m.core.accounts.localpartOf(userId);
        if (local === null || m.core.accounts.get(local) === null) throw notFound('Unknown user');
        // Presence is for people who share a room (Synapse's rule); others see nothing.
        if (userId !== ctx.requester.userId && p.enabled && !p.audience(ctx.requester.userId).has(userId)) throw forbidden('You cannot see this user\'s presence');
        return p.contentOf(userId) ?? { presence: 'offline' };
      },
    },
  ];
}

/**
 * GET /sync's `set_presence`: offline leaves the state as it was; absent means the user is there
 * (online, unless the client set itself unavailable); online and unavailable are set.
 */
export async function presenceFromSync(m: MatrixContext, userId: string, raw: string | null): Promise<void> {
  if (raw === null || raw === '') return m.ephemeral.presence.syncing(userId);
  if (raw !== 'online' && raw !== 'offline' && raw !== 'unavailable') throw invalidParam(`Unknown set_presence '${raw}'`);
  if (raw !== 'offline') await m.ephemeral.presence.set(userId, raw);
}
