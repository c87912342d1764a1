// muc#admin requests (XEP-0045 §8-§10): kick, ban, voice, affiliation changes and the lists of
// owners, admins, members, outcasts, moderators and participants. The rules are in
// admin-rules.ts; here the items are resolved to Matrix users, the events are sent as the
// requester, and the lists are read from the room state. What occupants see of a change comes
// back from the bus like any other room event (matrix-events.ts), so a kick from Element and a
// kick from an XMPP client look alike.
import type { Pdu } from '../../../core/events/types.js';
import { memberContent } from '../../../core/rooms/create-room.js';
import { RoomError } from '../../../core/rooms/errors.js';
import type { StanzaErrorCondition } from '../../errors.js';
import { Jid } from '../../jid.js';
import type { XmlElement } from '../../xml/element.js';
import { x } from '../../xml/element.js';
import { ADMIN_LEVEL, OWNER_LEVEL, actionLevel, affiliationFor, eventLevel, usersDefault, type Affiliation } from './affiliation.js';
import { listItem, parseAdminItems, planAll, planItem, withLevels, type AdminItem, type Refusal, type RoomRules, type Step, type Target } from './admin-rules.js';
import { NS_MUC_ADMIN, Status } from './ns.js';
import type { MucService } from './service.js';
import { openRoom } from './password.js';
import type { View } from './view.js';

export interface AdminReply {
  result(...children: XmlElement[]): void;
  error(condition: StanzaErrorCondition, text?: string): void;
}

export interface Request { svc: MucService; roomJid: string; roomId: string; mxid: string; reply: AdminReply }

export async function adminIq(req: Request, type: 'get' | 'set', query: XmlElement): Promise<void> {
  const items = parseAdminItems(query);
  if (!Array.isArray(items)) return req.reply.error(items.error, items.text);
  if (type === 'get') {
    if (items.length !== 1) return req.reply.error('bad-request', 'a list request has one <item/>');
    return listRequest(req, items[0]!);
  }
  return changeRoles(req, items);
}

function rulesOf(svc: MucService, roomId: string): RoomRules {
  const pl = svc.core.rooms.stateContent(roomId, 'm.room.power_levels');
  const head = svc.core.rooms.head(roomId);
  let owners = 0;
  if (pl?.users && typeof pl.users === 'object') {
    for (const mxid of new Set([...Object.keys(pl.users), ...svc.creatorsOf(roomId)])) if (svc.levelOf(roomId, mxid) >= OWNER_LEVEL) owners++;
  } else if (head) owners = Math.max(1, svc.creatorsOf(roomId).length); // no power levels: the creator(s)
  return {
    messageLevel: eventLevel(pl, 'm.room.message', false),
    kickLevel: actionLevel(pl, 'kick'), banLevel: actionLevel(pl, 'ban'), inviteLevel: actionLevel(pl, 'invite'),
    usersDefault: usersDefault(pl),
    membersOnly: !openRoom(svc, roomId),
    owners,
  };
}

/** The user an item names: role changes by nick (§8), affiliations by bare JID (§9), else by nick. */
function resolve(req: Request, view: View, item: AdminItem): Target | Refusal {
  let mxid: string | null;
  if (item.role !== undefined || item.jid === undefined) {
    if (item.nick === undefined) return { error: 'bad-request', text: 'the item needs a nick' };
    mxid = view.get(item.nick)?.mxid ?? null;
    if (!mxid) return { error: 'item-not-found', text: `no occupant is called '${item.nick}'` };
  } else {
    const jid = Jid.parse(item.jid);
    if (!jid || jid.local === '') return { error: 'jid-malformed', text: `'${item.jid}' is not a user's JID` };
    mxid = req.svc.mxidOfJid(jid);
    if (!mxid) return { error: 'item-not-found', text: `no user ${jid.bareString()} here` };
  }
  return { mxid, level: req.svc.levelOf(req.roomId, mxid), membership: req.svc.core.rooms.membership(req.roomId, mxid) };
}

/** A set of role and affiliation changes, all or nothing (§9.5), as the requester; also how voice requests are granted (voice.ts). */
export async function changeRoles(req: Request, items: AdminItem[]): Promise<void> {
  const { svc, roomId } = req;
  const view = svc.viewOf(req.roomJid, roomId);
  const rules = rulesOf(svc, roomId);
  const actor = { mxid: req.mxid, level: svc.levelOf(roomId, req.mxid) };
  const plan = planAll(items.map((item) => {
    const t = resolve(req, view, item);
    return 'error' in t ? t : planItem(item, t, actor, rules);
  }));
  if (!Array.isArray(plan)) return req.reply.error(plan.error, plan.text);
  try {
    await apply(req, plan, rules);
    req.reply.result();
  } catch (err) {
    if (err instanceof RoomError && (err.code === 'forbidden' || err.code === 'suspended')) return req.reply.error('not-allowed', err.message);
    svc.logger.warn({ err, roomId }, 'muc: admin change failed');
    req.reply.error('internal-server-error');
  }
}

/** Unbans first, then one power levels event, then kicks, bans and invites (each as the requester). */
async function apply(req: Request, plan: Step[], rules: RoomRules): Promise<void> {
  const { svc, roomId, mxid: sender } = req;
  const member = (target: string, membership: string, reason?: string) =>
    svc.core.rooms.send(roomId, { type: 'm.room.member', sender, stateKey: target, content: { ...memberContent(membership), ...(reason ? { reason } : {}) } });
  for (const s of plan) if (s.kind === 'unban') await member(s.mxid, 'leave');
  const levels = new Map<string, number>();
  for (const s of plan) if (s.kind === 'level') levels.set(s.mxid, s.level);
  if (levels.size > 0) {
    const pl = svc.core.rooms.stateContent(roomId, 'm.room.power_levels') ?? {};
    await svc.core.rooms.send(roomId, { type: 'm.room.power_levels', sender, stateKey: '', content: withLevels(pl, levels, rules.usersDefault) as Pdu['content'] });
  }
  for (const s of plan) {
    if (s.kind === 'ban') await member(s.mxid, 'ban', s.reason);
    else if (s.kind === 'invite') await member(s.mxid, 'invite', s.reason);
    else if (s.kind === 'kick') {
      // The removal's status code (307 or 321) is read by the bus handler while the event is sent.
      const key = `${roomId} ${s.mxid}`;
      svc.removing.set(key, s.status === 'affiliation' ? Status.AFFILIATION_CHANGED : Status.KICKED);
      try { await member(s.mxid, 'leave', s.reason); } finally { svc.removing.delete(key); }
    }
  }
}

async function listRequest(req: Request, item: AdminItem): Promise<void> {
  const { svc, roomId, mxid } = req;
  const level = svc.levelOf(roomId, mxid);
  const view = svc.viewOf(req.roomJid, roomId);
  if (item.role !== undefined) {
    // §8.5, §9.8: the voice and moderator lists are for moderators.
    if (level < ADMIN_LEVEL) return req.reply.error('forbidden', 'only moderators may read the role lists');
    if (item.role === 'none') return req.reply.error('bad-request', 'there is no list of role none');
    const items = [...view.values()].filter((e) => e.role === item.role)
      .map((e) => listItem({ affiliation: e.affiliation, role: e.role, jid: e.jid, nick: e.nick }));
    return req.reply.result(x('query', { xmlns: NS_MUC_ADMIN }, items));
  }
  const aff = item.affiliation!;
  if (aff === 'none') return req.reply.error('bad-request', 'there is no list of affiliation none');
  // The ban list is for admins; the room is non-anonymous, so its members may read the others (§9.5, §10.5, §10.8).
  if (aff === 'outcast' ? level < ADMIN_LEVEL : svc.core.rooms.membership(roomId, mxid) !== 'join' && level < ADMIN_LEVEL) {
    return req.reply.error('forbidden', 'you may not read this list');
  }
  return req.reply.result(x('query', { xmlns: NS_MUC_ADMIN }, affiliationList(svc, roomId, view, aff)));
}

/** Users with an affiliation: owners and admins from the power levels, members and outcasts from memberships. */
function affiliationList(svc: MucService, roomId: string, view: View, aff: Affiliation): XmlElement[] {
  const head = svc.core.rooms.head(roomId);
  if (!head) return [];
  const users = new Map<string, string | undefined>(); // mxid -> reason
  if (aff === 'owner' || aff === 'admin') {
    const pl = svc.core.rooms.stateContent(roomId, 'm.room.power_levels');
    const creator = svc.creatorOf(roomId);
    const listed = pl?.users && typeof pl.users === 'object' ? Object.keys(pl.users) : creator ? [creator] : [];
    const candidates = [...new Set([...svc.creatorsOf(roomId), ...listed])]; // v12 creators are in no map
    for (const u of candidates) {
      if (svc.core.rooms.membership(roomId, u) !== 'ban' && affiliationFor(svc.levelOf(roomId, u)) === aff) users.set(u, undefined);
    }
  } else {
    for (const ev of head.state.values()) {
      if (ev.type !== 'm.room.member' || ev.state_key === undefined) continue;
      const m = ev.content.membership;
      const reason = typeof ev.content.reason === 'string' ? ev.content.reason : undefined;
      if (aff === 'outcast' && m === 'ban') users.set(ev.state_key, reason);
      if (aff === 'member' && (m === 'join' || m === 'invite') && svc.levelOf(roomId, ev.state_key) < ADMIN_LEVEL) users.set(ev.state_key, undefined);
    }
  }
  const inRoom = new Map([...view.values()].map((e) => [e.mxid, e]));
  return [...users].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([u, reason]) => {
    const e = inRoom.get(u);
    return listItem({ affiliation: aff, jid: bareOf(svc.jidOfMxid(u)), nick: aff === 'outcast' ? undefined : e?.nick, role: aff === 'outcast' ? undefined : e?.role, reason });
  });
}

function bareOf(jid: string): string {
  const slash = jid.indexOf('/');
  return slash < 0 ? jid : jid.slice(0, slash);
}
