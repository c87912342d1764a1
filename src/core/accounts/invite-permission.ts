// Invite blocking (spec v1.18 "Invite permission", MSC4380): a user whose global account data
// `m.invite_permission_config` has `default_action: "block"` gets no invites, from either
// protocol (the Matrix endpoints answer M_INVITE_BLOCKED, XMPP group chat invitations
// forbidden). Other values, or none, mean invites as usual.
import type { AccountData } from './account-data.js';

export const INVITE_PERMISSION_TYPE = 'm.invite_permission_config';

export function blocksInvites(accountData: AccountData, userId: string): boolean {
  return accountData.get(userId, INVITE_PERMISSION_TYPE)?.default_action === 'block';
}
