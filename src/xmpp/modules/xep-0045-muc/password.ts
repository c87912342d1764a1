// Password-protected rooms (XEP-0045 §7.2.6, muc#roomconfig_roomsecret). Matrix rooms have no
// passwords, so the secret is kept by this server in its key-value store, never in room state
// that members (or other servers) could read.
//
// The password closes the Matrix door too: while it is set, a room that was open (join rule
// public) has the join rule `knock` (or `invite` in room versions without knocking), so a Matrix
// user can no longer walk in without it; they ask to join (Element's "Ask to join") or are
// invited, which is how Matrix lets a room admit someone. An XMPP user who gives the password is
// invited by the service, in the name of the room's highest local member who may invite, and then
// joins. Removing the password puts the join rule back. XMPP still sees the room as open
// (muc_open, not members-only): the door is the password. A room that was members-only already
// stays so, and there the password is asked on top of the membership (both, as XEP-0045 has it).
import { timingSafeEqual } from 'node:crypto';
import { getRoomVersion } from '../../../core/events/index.js';
import { memberContent } from '../../../core/rooms/create-room.js';
import { actionLevel } from './affiliation.js';
import type { MucService } from './service.js';

const NS = 'muc_room_secret';
/** The join rule a password replaced ('public'), or '' when the password changed no join rule. */
const NS_RULE = 'muc_password_join_rule';

export function roomSecret(svc: MucService, roomId: string): string | null {
  const s = svc.core.storage.kv.get(NS, roomId);
  return s ? s : null;
}

/** Sets the secret, or removes it with null (the store has no delete: an empty value is none). */
export function setRoomSecret(svc: MucService, roomId: string, secret: string | null): void {
  svc.core.storage.kv.put(NS, roomId, secret ?? '');
}

/** Whether a supplied password opens the room (compared in constant time). */
export function passwordMatches(secret: string, supplied: string | undefined): boolean {
  if (supplied === undefined) return false;
  const a = Buffer.from(secret);
  const b = Buffer.from(supplied);
  return a.length === b.length && timingSafeEqual(a, b);
}

function joinRule(svc: MucService, roomId: string): string | undefined {
  const rule = svc.core.rooms.stateContent(roomId, 'm.room.join_rules')?.join_rule;
  return typeof rule === 'string' ? rule : undefined;
}

/** The join rule that closes an open room while it has a password: knock where the room version has it. */
export function closingRule(svc: MucService, roomId: string): 'knock' | 'invite' {
  const version = svc.stateEvent(roomId, 'm.room.create')?.content.room_version;
  return getRoomVersion(typeof version === 'string' ? version : '1')?.knockAllowed ? 'knock' : 'invite';
}

/** Whether the room is closed on the Matrix side only because of its password (open to anyone who has it). */
export function closedByPassword(svc: MucService, roomId: string): boolean {
  return roomSecret(svc, roomId) !== null && svc.core.storage.kv.get(NS_RULE, roomId) === 'public'
    && joinRule(svc, roomId) === closingRule(svc, roomId);
}

/** Whether anyone may enter (XEP-0045 muc_open): join rule public, or closed by the password alone. */
export function openRoom(svc: MucService, roomId: string): boolean {
  return joinRule(svc, roomId) === 'public' || closedByPassword(svc, roomId);
}

/**
 * The owner's password change, with the join rule that goes with it (sent as the owner):
 * setting one on a public room closes it to Matrix joins, removing it opens the room again.
 * `membersOnly` is the owner's explicit members-only choice in the same form, if any.
 */
export async function applySecret(svc: MucService, roomId: string, owner: string, secret: string | null, membersOnly?: boolean): Promise<void> {
  const rule = joinRule(svc, roomId);
  const closedHere = closedByPassword(svc, roomId);
  const setRule = (join_rule: string) => svc.core.rooms.send(roomId, { type: 'm.room.join_rules', sender: owner, stateKey: '', content: { join_rule } });
  if (secret !== null && rule === 'public') {
    await setRule(closingRule(svc, roomId));
    svc.core.storage.kv.put(NS_RULE, roomId, 'public');
  } else if (secret === null && closedHere && membersOnly !== true) {
    await setRule('public');
    svc.core.storage.kv.put(NS_RULE, roomId, '');
  } else if (!closedHere || membersOnly === true) {
    svc.core.storage.kv.put(NS_RULE, roomId, ''); // members-only by the owner's choice
  }
  setRoomSecret(svc, roomId, secret);
}

/**
 * An XMPP user gave the right password for a room closed by it: the Matrix invite that lets
 * them join, sent by the highest local member who may invite. False when nobody can invite.
 */
export async function admitWithPassword(svc: MucService, roomId: string, mxid: string): Promise<boolean> {
  const membership = svc.core.rooms.membership(roomId, mxid);
  if (membership === 'join' || membership === 'invite') return true;
  const needed = actionLevel(svc.core.rooms.stateContent(roomId, 'm.room.power_levels'), 'invite');
  const inviter = svc.core.rooms.joinedMembers(roomId)
    .filter((m) => svc.core.accounts.localpartOf(m) !== null && svc.levelOf(roomId, m) >= needed)
    .sort((a, b) => svc.levelOf(roomId, b) - svc.levelOf(roomId, a))[0];
  if (!inviter) return false;
  await svc.core.rooms.send(roomId, { type: 'm.room.member', sender: inviter, stateKey: mxid, content: { ...memberContent('invite'), reason: 'entered the room password' } });
  return true;
}
