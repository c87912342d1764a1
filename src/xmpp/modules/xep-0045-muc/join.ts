// Entering a room (XEP-0045 §7.2) and creating one from XMPP (§10.1). The account's Matrix
// membership is made first: the join is a member event sent by the user, so the room's auth rules
// decide (a public room is open; invite-only needs an invite; a ban is final). Only then does the
// session become an occupant and get the roster, history and subject.
import { createRoom, memberContent } from '../../../core/rooms/create-room.js';
import { RoomError } from '../../../core/rooms/errors.js';
import type { StanzaErrorCondition } from '../../errors.js';
import type { Jid } from '../../jid.js';
import type { StanzaContext } from '../../module.js';
import type { C2sSession } from '../../stream/types.js';
import { aliasOfRoomJid } from './addressing.js';
import { sendEntryBurst } from './burst.js';
import { parseHistoryRequest } from './history.js';
import { NS_MUC, Status } from './ns.js';
import type { MucService } from './service.js';
import type { MucRoom, RoomOccupant } from './state.js';
import { presenceError, presencePayload } from './stanzas.js';
import { admitWithPassword, closedByPassword, passwordMatches, roomSecret } from './password.js';
import { ADMIN_LEVEL } from './affiliation.js';
import { nickConflict } from './view.js';

export async function enterRoom(svc: MucService, ctx: StanzaContext, session: C2sSession, roomJid: Jid, nick: string): Promise<void> {
  const stanza = ctx.stanza;
  const fullJid = ctx.from.toString();
  const mxid = svc.mxidOfAccount(session.username);
  const fail = (condition: StanzaErrorCondition, text?: string) => svc.send(fullJid, presenceError(stanza, roomJid.bareString(), condition, text));

  let roomId = await pendingCreation(svc, roomJid);
  let created = false;
  if (roomId === null) {
    roomId = await createFromXmpp(svc, roomJid, mxid, nick);
    created = true;
  }
  const room = svc.rooms.ensure(roomJid.bareString(), roomId);
  if (room.joining.has(fullJid)) return; // a second join presence while the first is in flight
  room.joining.add(fullJid);
  try {
    if (nickConflict(room.occupants.size > 0 ? room.view : svc.computeView(room), nick, mxid)) return fail('conflict');
    if (!passwordAccepted(svc, room.roomId, mxid, stanza)) return fail('not-authorized', 'this room needs a password');
    // A room closed to Matrix joins by its password: the right password earns the invite (password.ts).
    if (closedByPassword(svc, room.roomId) && svc.core.rooms.membership(room.roomId, mxid) !== 'ban'
      && !(await admitWithPassword(svc, room.roomId, mxid))) return fail('registration-required', 'nobody in the room can let you in');
    const refusal = await ensureMatrixJoin(svc, room, mxid, nick);
    if (refusal) return fail(refusal);
    // The session may have ended, or someone taken the nick, while the join was being written.
    if (svc.server.sessionFor(fullJid) !== session) return;
    if (nickConflict(svc.computeView(room), nick, mxid)) return fail('conflict');
    room.hidden.delete(mxid);
    const occ: RoomOccupant = { fullJid, mxid, nick, presence: presencePayload(stanza), historyUpTo: 0 };
    room.occupants.set(fullJid, occ);
    const before = room.view;
    room.view = svc.computeView(room);
    const history = parseHistoryRequest(stanza.getChild('x', NS_MUC)?.getChild('history'), Date.now());
    sendEntryBurst(svc, room, occ, { statuses: created ? [Status.CREATED] : [], id: stanza.attr('id'), history });
    svc.announce(room, before, room.view, { exclude: fullJid });
  } finally {
    room.joining.delete(fullJid);
    room.hidden.delete(mxid);
    svc.rooms.release(room);
  }
}

/**
 * §7.2.6: a password room needs the password, except from an account that is already a joined
 * member (it is in the room already, through Matrix or an earlier entry) or one of its admins.
 */
function passwordAccepted(svc: MucService, roomId: string, mxid: string, stanza: StanzaContext['stanza']): boolean {
  const secret = roomSecret(svc, roomId);
  if (secret === null) return true;
  if (svc.core.rooms.membership(roomId, mxid) === 'join' || svc.levelOf(roomId, mxid) >= ADMIN_LEVEL) return true;
  return passwordMatches(secret, stanza.getChild('x', NS_MUC)?.getChildText('password') ?? undefined);
}

/** Re-sends the whole entry burst to an occupant that sent a join again (§7.2.1: it lost sync). */
export function resync(svc: MucService, room: MucRoom, occ: RoomOccupant, ctx: StanzaContext): void {
  const history = parseHistoryRequest(ctx.stanza.getChild('x', NS_MUC)?.getChild('history'), Date.now());
  sendEntryBurst(svc, room, occ, { statuses: [], id: ctx.stanza.attr('id'), history });
}

/** Sends the account's Matrix join when it is not joined yet; returns the error condition when refused. */
async function ensureMatrixJoin(svc: MucService, room: MucRoom, mxid: string, nick: string): Promise<StanzaErrorCondition | null> {
  const membership = svc.core.rooms.membership(room.roomId, mxid);
  if (membership === 'join') return null;
  if (membership === 'ban') return 'forbidden';
  // Kept out of the roster until the session is an occupant, so the others see one arrival.
  room.hidden.add(mxid);
  const account = svc.core.accounts.get(svc.core.accounts.localpartOf(mxid) ?? '');
  try {
    // The room nick becomes the member's display name in this room, as Matrix clients show it.
    await svc.core.rooms.send(room.roomId, {
      type: 'm.room.member', sender: mxid, stateKey: mxid,
      content: memberContent('join', { displayname: nick, avatar_url: account?.avatarUrl ?? null }),
    });
    return null;
  } catch (err) {
    if (!(err instanceof RoomError)) throw err;
    if (err.code === 'not_found') return 'item-not-found';
    // A suspended account may not join (spec "Account suspension"): forbidden, RFC 6120 §8.3.3.4.
    if (err.code === 'suspended') return 'forbidden';
    if (err.code !== 'forbidden') return 'not-acceptable';
    // Not allowed in: a room that is not public is members-only in XEP-0045 terms (§7.2.7).
    const rule = svc.core.rooms.stateContent(room.roomId, 'm.room.join_rules')?.join_rule;
    return rule === 'public' ? 'forbidden' : 'registration-required';
  }
}

/** The room behind the JID, waiting for a creation in flight; null when there is none. */
async function pendingCreation(svc: MucService, roomJid: Jid): Promise<string | null> {
  const alias = aliasOfRoomJid(roomJid, svc.addr);
  const inFlight = alias ? svc.creating.get(alias) : undefined;
  if (inFlight) await inFlight.catch(() => undefined);
  return svc.roomIdOf(roomJid);
}

/**
 * A room JID with no alias behind it: a new public Matrix room with that alias, the joiner its
 * creator (owner). It is usable at once (an "instant room"): the service does not lock it while
 * waiting for the owner's configuration (documented in README.md).
 */
async function createFromXmpp(svc: MucService, roomJid: Jid, creator: string, nick: string): Promise<string> {
  const alias = aliasOfRoomJid(roomJid, svc.addr)!;
  const work = (async () => {
    const account = svc.core.accounts.get(svc.core.accounts.localpartOf(creator) ?? '');
    const { roomId } = await createRoom(svc.core.rooms, {
      creator, preset: 'public_chat', alias, creatorProfile: { displayname: nick, avatar_url: account?.avatarUrl ?? null },
    });
    if (!svc.core.storage.rooms.putAlias(alias, roomId, creator)) throw new Error(`alias ${alias} was taken meanwhile`);
    return roomId;
  })();
  svc.creating.set(alias, work);
  try {
    return await work;
  } finally {
    svc.creating.delete(alias);
  }
}
