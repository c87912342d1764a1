// Admin API: registration tokens (the same rules as `hearth token`).
import type { RegistrationTokenRecord } from '../../core/ports.js';
import type { MatrixContext } from '../../matrix/context.js';
import { ErrCode, MatrixError, badJson, notFound } from '../../matrix/errors.js';
import { bodyObject } from '../../matrix/http/validate.js';
import type { AdminRoute } from './index.js';
import { parseTokenSpec, TokenSpecError } from './token-spec.js';

const view = (t: RegistrationTokenRecord) => ({
  token: t.token, uses_allowed: t.usesAllowed, completed: t.completed, expiry_time: t.expiryTs, created_ts: t.createdTs,
});

export function tokenAdminRoutes(m: MatrixContext): AdminRoute[] {
  const store = m.core.storage.registrationTokens;
  return [
    { method: 'GET', path: '/registration_tokens', handler: () => ({ registration_tokens: store.list().map(view) }) },
    {
      method: 'POST', path: '/registration_tokens',
      handler: (ctx) => {
        let spec;
        try {
          spec = parseTokenSpec(bodyObject(ctx.body));
        } catch (err) {
          if (err instanceof TokenSpecError) throw new MatrixError(400, ErrCode.INVALID_PARAM, err.message);
          throw err;
        }
        if (!store.create(spec.token, spec.usesAllowed, spec.expiryTs, Date.now())) throw badJson(`Token ${spec.token} exists`);
        return view(store.get(spec.token)!);
      },
    },
    {
      method: 'GET', path: '/registration_tokens/:token',
      handler: (ctx) => { const t = store.get(ctx.params.token); if (!t) throw notFound('No such token'); return view(t); },
    },
    {
      method: 'DELETE', path: '/registration_tokens/:token',
      handler: (ctx) => { if (!store.delete(ctx.params.token)) throw notFound('No such token'); return {}; },
    },
  ];
}
