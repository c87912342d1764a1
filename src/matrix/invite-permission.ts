// Invite blocking (spec v1.18 "Invite permission", MSC4380): a user whose global account data
// `m.invite_permission_config` has `default_action: "block"` gets no invites. Inviting them
// fails with 403 M_INVITE_BLOCKED (invite, createRoom, a member state event), and invites that
// exist already stay out of /sync. Other values, or none, mean invites as usual.
import type { AccountData } from '../core/accounts/account-data.js';
import { ErrCode, MatrixError } from './errors.js';

export const INVITE_PERMISSION_TYPE = 'm.invite_permission_config';

export function blocksInvites(accountData: AccountData, userId: string): boolean {
  return accountData.get(userId, INVITE_PERMISSION_TYPE)?.default_action === 'block';
}

export function checkInviteAllowed(accountData: AccountData, invitee: string): void {
  if (blocksInvites(accountData, invitee)) throw new MatrixError(403, ErrCode.INVITE_BLOCKED, `${invitee} does not accept invites`);
}
