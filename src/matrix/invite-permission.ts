// Invite blocking (spec v1.18 "Invite permission", MSC4380): a user whose global account data
// `m.invite_permission_config` has `default_action: "block"` gets no invites. Inviting them
// fails with 403 M_INVITE_BLOCKED (invite, createRoom, a member state event), and invites that
// exist already stay out of /sync. Other values, or none, mean invites as usual.
import type { AccountData } from '../core/accounts/account-data.js';
import { blocksInvites } from '../core/accounts/invite-permission.js';
import { ErrCode, MatrixError } from './errors.js';

// The rule itself is the core's, shared with XMPP group chat invitations.
export { INVITE_PERMISSION_TYPE, blocksInvites } from '../core/accounts/invite-permission.js';

export function checkInviteAllowed(accountData: AccountData, invitee: string): void {
  if (blocksInvites(accountData, invitee)) throw new MatrixError(403, ErrCode.INVITE_BLOCKED, `${invitee} does not accept invites`);
}
