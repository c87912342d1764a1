// XEP-0045 §8-§10 role and affiliation changes (muc#admin) as changes to the Matrix room: kick
// (role none) is a Matrix kick, ban (outcast) a Matrix ban, voice and affiliations are power
// levels, membership in a members-only room is an invite. Pure: the handler (admin.ts) resolves
// nicks and JIDs to users, calls planChanges, and sends the events it returns. The permission
// checks follow the XEP's error conditions and are at least as strict as the Matrix auth rules,
// which still decide when the events are sent.
import type { StanzaErrorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { ADMIN_LEVEL, OWNER_LEVEL, type Affiliation, type Role } from './affiliation.js';

export const ROLES: readonly Role[] = ['moderator', 'participant', 'visitor', 'none'];
export const AFFILIATIONS: readonly Affiliation[] = ['owner', 'admin', 'member', 'none', 'outcast'];

/** One <item/> of a muc#admin query. */
export interface AdminItem {
  nick?: string;
  jid?: string;
  role?: Role;
  affiliation?: Affiliation;
  reason?: string;
}

export type Refusal = { error: StanzaErrorCondition; text: string };

const refuse = (error: StanzaErrorCondition, text: string): Refusal => ({ error, text });

/** The items of a muc#admin query, each with exactly one of role and affiliation of a known value. */
export function parseAdminItems(query: XmlElement): AdminItem[] | Refusal {
  const items = query.getChildren('item');
  if (items.length === 0) return refuse('bad-request', 'the query needs at least one <item/>');
  const out: AdminItem[] = [];
  for (const el of items) {
    const role = el.attr('role');
    const affiliation = el.attr('affiliation');
    if ((role === undefined) === (affiliation === undefined)) return refuse('bad-request', 'each item needs either a role or an affiliation');
    if (role !== undefined && !ROLES.includes(role as Role)) return refuse('bad-request', `unknown role '${role}'`);
    if (affiliation !== undefined && !AFFILIATIONS.includes(affiliation as Affiliation)) return refuse('bad-request', `unknown affiliation '${affiliation}'`);
    const reason = el.getChildText('reason') ?? undefined;
    out.push({ nick: el.attr('nick'), jid: el.attr('jid'), role: role as Role | undefined, affiliation: affiliation as Affiliation | undefined, reason });
  }
  return out;
}

/** What the room's power levels say, as the planner needs it. */
export interface RoomRules {
  messageLevel: number;
  kickLevel: number;
  banLevel: number;
  inviteLevel: number;
  usersDefault: number;
  /** The join rule is not public: entering needs membership (XEP-0045 members-only). */
  membersOnly: boolean;
  /** How many users have owner level. */
  owners: number;
}

/** The user an item names, resolved by the handler. */
export interface Target {
  mxid: string;
  level: number;
  membership: string;
}

export type Step =
  | { kind: 'kick'; mxid: string; reason?: string; status: 'kicked' | 'affiliation' }
  | { kind: 'ban'; mxid: string; reason?: string }
  | { kind: 'unban'; mxid: string }
  | { kind: 'invite'; mxid: string; reason?: string }
  | { kind: 'level'; mxid: string; level: number };

/** The steps for one item, or the XEP's refusal. `actor` is the requester's own level and user. */
export function planItem(item: AdminItem, t: Target, actor: { mxid: string; level: number }, r: RoomRules): Step[] | Refusal {
  return item.role !== undefined ? planRole(item.role, item, t, actor, r) : planAffiliation(item.affiliation!, item, t, actor, r);
}

function planRole(role: Role, item: AdminItem, t: Target, a: { mxid: string; level: number }, r: RoomRules): Step[] | Refusal {
  if (a.level < ADMIN_LEVEL) return refuse('forbidden', 'only moderators may change roles');
  const self = t.mxid === a.mxid;
  switch (role) {
    case 'none':
      if (self) return refuse('conflict', 'a moderator cannot kick themselves');
      // §8.2: not above the kicker's affiliation; Matrix further needs a strictly lower level.
      if (t.level >= a.level) return refuse('not-allowed', 'the occupant has the same or a higher standing');
      if (a.level < r.kickLevel) return refuse('forbidden', 'your power level is below the kick level');
      return [{ kind: 'kick', mxid: t.mxid, reason: item.reason, status: 'kicked' }];
    case 'visitor':
      // §8.4: never from an admin or owner, nor from anyone at or above the moderator.
      if (t.level >= ADMIN_LEVEL || t.level >= a.level) return refuse('not-allowed', 'voice cannot be revoked from this occupant');
      return t.level < r.messageLevel ? [] : [{ kind: 'level', mxid: t.mxid, level: r.messageLevel - 1 }];
    case 'participant':
      // §9.7: moderator status of an admin or owner cannot be revoked (here moderator is admin).
      if (t.level >= ADMIN_LEVEL) return refuse('not-allowed', 'admins and owners are always moderators');
      if (t.level >= r.messageLevel) return [];
      if (r.messageLevel > a.level) return refuse('not-allowed', 'the level to speak is above yours');
      return [{ kind: 'level', mxid: t.mxid, level: r.messageLevel }];
    case 'moderator':
      // Moderators are the members with admin level here (affiliation.ts); granting it makes an admin.
      return t.level >= ADMIN_LEVEL ? [] : [{ kind: 'level', mxid: t.mxid, level: ADMIN_LEVEL }];
  }
  return refuse('bad-request', 'unknown role');
}

function planAffiliation(aff: Affiliation, item: AdminItem, t: Target, a: { mxid: string; level: number }, r: RoomRules): Step[] | Refusal {
  if (a.level < ADMIN_LEVEL) return refuse('forbidden', 'only admins and owners may change affiliations');
  const self = t.mxid === a.mxid;
  const banned = t.membership === 'ban';
  const unban: Step[] = banned && aff !== 'outcast' ? [{ kind: 'unban', mxid: t.mxid }] : [];
  if (banned && aff !== 'outcast' && a.level < r.banLevel) return refuse('forbidden', 'your power level is below the ban level');
  if (aff === 'outcast') {
    if (self) return refuse('conflict', 'you cannot ban yourself');
    if (t.level >= a.level) return refuse('not-allowed', 'the user has the same or a higher standing');
    if (a.level < r.banLevel) return refuse('forbidden', 'your power level is below the ban level');
    return banned ? [] : [{ kind: 'ban', mxid: t.mxid, reason: item.reason }];
  }
  // Granting or taking away owner or admin status is for owners (§10.3-§10.8).
  const wantLevel = aff === 'owner' ? OWNER_LEVEL : aff === 'admin' ? ADMIN_LEVEL : null;
  if ((wantLevel !== null || t.level >= ADMIN_LEVEL) && a.level < OWNER_LEVEL) {
    return refuse('forbidden', 'only owners may grant or revoke owner and admin status');
  }
  const steps: Step[] = [...unban];
  const lowering = wantLevel === null ? t.level >= ADMIN_LEVEL : t.level > wantLevel;
  if (lowering) {
    if (self && t.level >= OWNER_LEVEL && r.owners <= 1) return refuse('conflict', 'the room needs another owner first');
    // Matrix never lets a user lower someone at its own level: one owner cannot demote another.
    if (!self && t.level >= a.level) return refuse('not-authorized', 'owners cannot revoke the status of another owner');
  }
  if (wantLevel !== null && t.level !== wantLevel) steps.push({ kind: 'level', mxid: t.mxid, level: wantLevel });
  if (wantLevel === null && lowering) steps.push({ kind: 'level', mxid: t.mxid, level: Math.min(r.usersDefault, ADMIN_LEVEL - 1) });
  const inRoom = t.membership === 'join' || t.membership === 'invite';
  if (aff === 'member' && !inRoom) {
    if (a.level < r.inviteLevel) return refuse('forbidden', 'your power level is below the invite level');
    steps.push({ kind: 'invite', mxid: t.mxid, reason: item.reason });
  }
  // §9.5: in a members-only room, a user who is no longer a member is removed (status 321).
  if (aff === 'none' && r.membersOnly && inRoom && !self) steps.push({ kind: 'kick', mxid: t.mxid, reason: item.reason, status: 'affiliation' });
  return steps;
}

/**
 * §9.2-§9.8: the requested changes apply all or none, so every item is checked before anything is
 * sent; the first refusal answers the whole request.
 */
export function planAll(plans: (Step[] | Refusal)[]): Step[] | Refusal {
  const steps: Step[] = [];
  for (const p of plans) {
    if (!Array.isArray(p)) return p;
    steps.push(...p);
  }
  return steps;
}

/** The power levels content with the users' new levels (a level equal to users_default drops the entry). */
export function withLevels(pl: Record<string, unknown>, changes: ReadonlyMap<string, number>, usersDefault: number): Record<string, unknown> {
  const users = { ...((pl.users && typeof pl.users === 'object' ? pl.users : {}) as Record<string, unknown>) };
  for (const [mxid, level] of changes) {
    if (level === usersDefault) delete users[mxid];
    else users[mxid] = level;
  }
  return { ...pl, users };
}

/** One <item/> of a muc#admin list result. */
export function listItem(a: { affiliation: Affiliation; role?: Role; jid: string; nick?: string; reason?: string }): XmlElement {
  return x('item', { affiliation: a.affiliation, jid: a.jid, nick: a.nick, role: a.role }, a.reason ? x('reason', {}, a.reason) : null);
}
