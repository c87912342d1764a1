// User directory search (spec users.yaml POST /user_directory/search). Searches this server's
// active accounts by user id and display name, as Synapse does with search_all_users; remote
// users appear once they share a room (not yet: needs federation).
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, requiredString } from '../http/validate.js';
import { invalidParam } from '../errors.js';

function searchUsers(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const body = bodyObject(ctx.body);
  const term = requiredString(body, 'search_term').trim().toLowerCase();
  const rawLimit = body.limit ?? 10;
  if (typeof rawLimit !== 'number' || !Number.isInteger(rawLimit) || rawLimit < 0) throw invalidParam("'limit' must be a non-negative integer");
  const limit = Math.min(rawLimit, 100);
  const matches = m.core.accounts.list()
    .filter((a) => !a.deactivated)
    .filter((a) => term === '' || a.localpart.includes(term) || (a.displayname ?? '').toLowerCase().includes(term))
    .map((a) => {
      const r: JsonObject = { user_id: m.core.accounts.userId(a.localpart) };
      if (a.displayname !== null) r.display_name = a.displayname;
      if (a.avatarUrl !== null) r.avatar_url = a.avatarUrl;
      return r;
    });
  return { results: matches.slice(0, limit), limited: matches.length > limit };
}

export function userDirectoryRoutes(m: MatrixContext): Route[] {
  return [{ method: 'POST', path: '/_matrix/client/v3/user_directory/search', auth: 'required', handler: (ctx) => searchUsers(m, ctx) }];
}
