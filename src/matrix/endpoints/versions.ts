// Discovery: /versions, /.well-known/matrix/client, /capabilities, and the push rules stub.
import { roomVersionsCapability } from '../../core/events/index.js';
import type { MatrixContext } from '../context.js';
import type { Route } from '../http/types.js';

// The spec versions whose Client-Server API changes are all in place here; docs/spec-versions.md
// says change by change what each needs and what is still missing for the later ones. Clients
// gate features on this list.
const SPEC_VERSIONS = [
  'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10',
  'v1.11', 'v1.12', 'v1.13', 'v1.14', 'v1.15', 'v1.16', 'v1.17', 'v1.18', 'v1.19',
];

// Unstable features clients look for: MSC4186 Simplified Sliding Sync (endpoints/sliding-sync.ts);
// extended profiles, which matrix-js-sdk 37 only uses when these two flags say so (the second
// sends it to the stable v3 paths, endpoints/profile.ts); MSC2666 mutual rooms in the unstable
// form matrix-js-sdk 37 calls (endpoints/mutual-rooms.ts).
const UNSTABLE_FEATURES = {
  'org.matrix.simplified_msc3575': true,
  'uk.tcpip.msc4133': true,
  'uk.tcpip.msc4133.stable': true,
  'uk.half-shot.msc2666.query_mutual_rooms': true,
};

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
      handler: (ctx) => {
        // A suspended account may not change its profile (spec "Account suspension"; endpoints/profile.ts).
        const profile = m.core.accounts.restriction(m.core.accounts.localpartOf(ctx.requester.userId)!) === null;
        return { capabilities: {
          'm.room_versions': roomVersionsCapability(),
          // POST /account/password behind UIA, and POST /login/get_token (endpoints/account.ts, login.ts).
          'm.change_password': { enabled: true },
          'm.get_login_token': { enabled: true },
          // Deprecated by m.profile_fields in v1.16; still read by older clients.
          'm.set_displayname': { enabled: profile },
          'm.set_avatar_url': { enabled: profile },
          // v1.16 extended profiles: every key may be set (endpoints/profile.ts).
          'm.profile_fields': { enabled: profile },
          'm.3pid_changes': { enabled: false },
          // v1.18: server admins may lock and suspend accounts (admin/api/moderation.ts).
          'm.account_moderation': moderationCapability(m, ctx.requester.userId),
        } };
      },
    },
  ];
}

function moderationCapability(m: MatrixContext, userId: string): { lock: boolean; suspend: boolean } {
  const lp = m.core.accounts.localpartOf(userId);
  const admin = lp !== null && m.core.accounts.active(lp)?.admin === true;
  return { lock: admin, suspend: admin };
}
