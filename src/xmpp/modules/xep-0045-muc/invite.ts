// Invitations (XEP-0045 §7.8, XEP-0249) as Matrix invites. A mediated invitation sent to the room
// and a direct invitation sent to a local user both become an `m.room.member` invite by the
// inviter, so an Element user sees the invite; every invite of a local account, from either
// protocol, reaches that account's XMPP sessions as a mediated invitation from the room (except
// the one the inviter already sent directly). A decline rejects the Matrix invite and is passed
// to the inviter.
import { blocksInvites } from '../../../core/accounts/invite-permission.js';
import { memberContent } from '../../../core/rooms/create-room.js';
import { RoomError } from '../../../core/rooms/errors.js';
import type { RoomEventNotice } from '../../../core/bus.js';
import type { StanzaErrorCondition } from '../../errors.js';
import { Jid } from '../../jid.js';
import type { StanzaContext } from '../../module.js';
import { x, type XmlElement } from '../../xml/element.js';
import { roomJidOfAlias } from './addressing.js';
import { NS_MUC_USER } from './ns.js';
import { roomSecret } from './password.js';
import type { MucService } from './service.js';

export const NS_CONFERENCE = 'jabber:x:conference';
type Fail = (c: StanzaErrorCondition, text?: string) => void;

/** The <invite/> and <decline/> elements of a message to a room, if it is one (§7.8.2). */
export function invitationsIn(stanza: XmlElement): { invites: XmlElement[]; declines: XmlElement[] } | null {
  const mucUser = stanza.getChild('x', NS_MUC_USER);
  if (!mucUser) return null;
  const invites = mucUser.getChildren('invite');
  const declines = mucUser.getChildren('decline');
  return invites.length + declines.length > 0 ? { invites, declines } : null;
}

/** The Matrix user of a local account's JID (invitations reach accounts of this server only). */
function localInvitee(svc: MucService, raw: string | undefined): { mxid: string } | { error: StanzaErrorCondition; text: string } {
  const jid = raw === undefined ? null : Jid.parse(raw);
  if (!jid || jid.local === '') return { error: 'jid-malformed', text: `'${raw ?? ''}' is not a user's JID` };
  if (jid.domain !== svc.addr.serverName) return { error: 'feature-not-implemented', text: 'invitations reach accounts of this server only (no server-to-server yet)' };
  const mxid = svc.mxidOfJid(jid);
  return mxid ? { mxid } : { error: 'item-not-found', text: `no user ${jid.bareString()} here` };
}

export async function mediatedInvitations(svc: MucService, ctx: StanzaContext, roomId: string, found: { invites: XmlElement[]; declines: XmlElement[] }, fail: Fail): Promise<void> {
  const inviter = ctx.session ? svc.mxidOfAccount(ctx.session.username) : null;
  if (!inviter) return fail('not-allowed', 'invitations come from accounts of this server');
  for (const d of found.declines) decline(svc, roomId, inviter, d);
  if (found.invites.length === 0) return;
  if (svc.core.rooms.membership(roomId, inviter) !== 'join') return fail('not-acceptable', 'only members of the room may invite');
  for (const inv of found.invites) {
    const target = localInvitee(svc, inv.attr('to'));
    if ('error' in target) return fail(target.error, target.text);
    // Invite blocking (MSC4380) holds for invitations from XMPP as for Matrix's M_INVITE_BLOCKED.
    if (blocksInvites(svc.core.accountData, target.mxid)) return fail('forbidden', `${inv.attr('to')} does not accept invitations`);
    const refused = await matrixInvite(svc, roomId, inviter, target.mxid, inv.getChildText('reason') ?? undefined);
    if (refused) return fail(refused, 'the room does not let you invite this user');
  }
}

/**
 * Marks an invite made from a XEP-0249 invitation that has a body: that message is kept in the DM
 * room and comes to an offline invitee at login itself, so no mediated invitation is added then.
 */
const DELIVERED_AS_MESSAGE = 'org.hearth.xmpp_direct_invitation';

/**
 * Sends the Matrix invite; an account already in the room just gets the invitation message.
 * `direct`: from a XEP-0249 message, which reaches the invitee itself ('stored': kept for an
 * offline invitee too, as it has a body).
 */
async function matrixInvite(svc: MucService, roomId: string, inviter: string, mxid: string, reason: string | undefined,
  direct: false | 'live' | 'stored' = false): Promise<StanzaErrorCondition | null> {
  const membership = svc.core.rooms.membership(roomId, mxid);
  if (membership === 'join' || membership === 'invite') {
    if (!direct) sendInvitation(svc, roomId, inviter, mxid, reason);
    return null;
  }
  const key = `${roomId} ${mxid}`;
  if (direct) svc.directInvites.add(key);
  try {
    const content = { ...memberContent('invite'), ...(reason ? { reason } : {}), ...(direct === 'stored' ? { [DELIVERED_AS_MESSAGE]: true } : {}) };
    await svc.core.rooms.send(roomId, { type: 'm.room.member', sender: inviter, stateKey: mxid, content });
    return null;
  } catch (err) {
    if (err instanceof RoomError && (err.code === 'forbidden' || err.code === 'suspended')) return 'forbidden';
    throw err;
  } finally {
    svc.directInvites.delete(key);
  }
}

/** §7.8.2 decline: the Matrix invite is rejected, and the inviter is told. */
function decline(svc: MucService, roomId: string, invitee: string, el: XmlElement): void {
  if (svc.core.rooms.membership(roomId, invitee) === 'invite') {
    svc.core.rooms.send(roomId, { type: 'm.room.member', sender: invitee, stateKey: invitee, content: memberContent('leave') })
      .catch((err) => svc.logger.warn({ err, roomId }, 'muc: rejecting an invite failed'));
  }
  const to = Jid.parse(el.attr('to') ?? '');
  const roomJid = roomJidOf(svc, roomId);
  if (!to || !roomJid || to.domain !== svc.addr.serverName) return;
  const reason = el.getChildText('reason');
  for (const s of svc.server.sessionsOf(to.bareString())) {
    svc.send(s.jid, x('message', { from: roomJid, to: s.jid },
      x('x', { xmlns: NS_MUC_USER }, x('decline', { from: svc.jidOfMxid(invitee) }, reason ? x('reason', {}, reason) : null))));
  }
}

/** A room's JID for messages from the room itself: its canonical alias, else a room JID in use. */
export function roomJidOf(svc: MucService, roomId: string): string | null {
  const alias = svc.core.rooms.stateContent(roomId, 'm.room.canonical_alias')?.alias;
  const jid = typeof alias === 'string' ? roomJidOfAlias(alias, svc.addr) : null;
  return jid ?? svc.rooms.ofRoomId(roomId)[0]?.jid ?? null;
}

/** An invite event of a local account (from either protocol): a mediated invitation to its XMPP sessions. */
export function onInvite(svc: MucService, n: RoomEventNotice): void {
  const target = n.pdu.state_key!;
  if (svc.directInvites.has(`${n.roomId} ${target}`)) return;
  const reason = typeof n.pdu.content.reason === 'string' ? n.pdu.content.reason : undefined;
  const bare = sendInvitation(svc, n.roomId, n.pdu.sender, target, reason);
  // Reached a session that is not online for messages: coming online must not repeat it.
  if (bare) svc.offline?.reached(bare, n.eventId);
}

/** The invitation to each XMPP session of the invitee; returns its bare JID when any got it. */
function sendInvitation(svc: MucService, roomId: string, inviter: string, mxid: string, reason: string | undefined, only?: string): string | null {
  const lp = svc.core.accounts.localpartOf(mxid);
  const roomJid = roomJidOf(svc, roomId);
  // A user who blocks invites is not shown them, as /sync leaves them out.
  if (lp === null || !roomJid || blocksInvites(svc.core.accountData, mxid)) return null;
  const secret = roomSecret(svc, roomId);
  const bare = `${lp}@${svc.addr.serverName}`;
  const sessions = only ? [only] : svc.server.sessionsOf(bare).map((s) => s.jid);
  for (const jid of sessions) {
    svc.send(jid, x('message', { from: roomJid, to: jid, id: `invite-${roomId}-${Date.now()}` },
      x('x', { xmlns: NS_MUC_USER },
        x('invite', { from: svc.jidOfMxid(inviter) }, reason ? x('reason', {}, reason) : null),
        secret !== null ? x('password', {}, secret) : null)));
  }
  return sessions.length > 0 ? bare : null;
}

/**
 * Offline delivery (modules/offline.ts): invites that came while the account had no XMPP client
 * online and are still open (not accepted, rejected or withdrawn meanwhile) reach the session that
 * comes online as mediated invitations, as an offline store would keep them. The invite events in
 * the rooms are the store; a XEP-0249 invitation comes back in the mediated form too.
 */
export function pendingInvitations(svc: MucService, session: { username: string; jid: string }, since: number, skip: ReadonlySet<string>): void {
  const mxid = svc.mxidOfAccount(session.username);
  for (const r of svc.core.storage.rooms.roomsForUser(mxid, ['invite'])) {
    if (r.stream <= since || skip.has(r.eventId)) continue;
    const invite = svc.core.storage.events.getEvent(r.eventId);
    if (!invite || invite.pdu.content[DELIVERED_AS_MESSAGE] === true) continue;
    const reason = typeof invite.pdu.content.reason === 'string' ? invite.pdu.content.reason : undefined;
    sendInvitation(svc, r.roomId, invite.pdu.sender, mxid, reason, session.jid);
  }
}

/**
 * XEP-0249: a direct invitation from a local account to another, naming a room of this service,
 * is also a Matrix invite by the inviter (so Element shows it). The stanza itself is delivered as
 * usual by the caller (kept in the DM room when it has a body); no mediated invitation is added for it.
 */
export function directInvitation(svc: MucService, ctx: StanzaContext): void {
  const conf = ctx.stanza.getChild('x', NS_CONFERENCE);
  const roomJid = Jid.parse(conf?.attr('jid') ?? '');
  if (!conf || !roomJid || roomJid.domain !== svc.addr.mucDomain || !ctx.session || !ctx.to) return;
  const roomId = svc.roomIdOf(roomJid);
  const inviter = svc.mxidOfAccount(ctx.session.username);
  const target = localInvitee(svc, ctx.to.bareString());
  if (!roomId || 'error' in target || svc.core.rooms.membership(roomId, inviter) !== 'join') return;
  if (blocksInvites(svc.core.accountData, target.mxid)) return; // the message itself is only a message
  matrixInvite(svc, roomId, inviter, target.mxid, conf.attr('reason'), ctx.stanza.getChild('body') !== undefined ? 'stored' : 'live')
    .catch((err) => svc.logger.warn({ err, roomId }, 'muc: the Matrix invite of a direct invitation failed'));
}
