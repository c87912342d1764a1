// Discovery: /versions, /.well-known/matrix/client, /capabilities, and the push rules stub.
import { roomVersionsCapability } from '../../core/events/index.js';
import type { MatrixContext } from '../context.js';
import type { Route } from '../http/types.js';

// The spec versions whose Client-Server API shapes this server follows. Clients gate features
// on this list; modules not built yet (media, E2EE, push, ...) answer 404 M_UNRECOGNIZED, which
// clients treat as "not supported here".
const SPEC_VERSIONS = ['v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11'];

// Unstable features clients look for: MSC4186 Simplified Sliding Sync (endpoints/sliding-sync.ts).
const UNSTABLE_FEATURES = { 'org.matrix.simplified_msc3575': true };

// An empty ruleset in the spec's shape (push_ruleset.yaml): matrix-js-sdk fetches it before its
// first sync. The real rules, with the server-default ones, come with the push module.

export function versionRoutes(m: MatrixContext): Route[] {
  return [
    { method: 'GET', path: '/_matrix/client/versions', auth: 'none', handler: () => ({ versions: SPEC_VERSIONS, unstable_features: UNSTABLE_FEATURES }) },
    {
      method: 'GET', path: '/.well-known/matrix/client', auth: 'none',
      handler: () => ({ 'm.homeserver': { base_url: m.baseUrl() } }),
    },
    {
      method: 'GET', path: '/_matrix/client/v3/capabilities', auth: 'required',
      handler: () => ({
        capabilities: {
          'm.room_versions': roomVersionsCapability(),
          // POST /account/password behind UIA, and POST /login/get_token (endpoints/account.ts, login.ts).
          'm.change_password': { enabled: true },
          'm.get_login_token': { enabled: true },
          'm.set_displayname': { enabled: true },
          'm.set_avatar_url': { enabled: true },
          'm.3pid_changes': { enabled: false },
        },
      }),
    },
  ];
}
