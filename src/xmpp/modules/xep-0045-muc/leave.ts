// Leaving, nick changes and presence updates of an occupant (XEP-0045 §7.6, §7.7, §7.14).
// An explicit exit by the account's last session in the room also leaves the Matrix room: the
// account is then out of the room on every client (documented in README.md). A session that
// merely ends (disconnect, broadcast unavailable) only stops being an occupant; its account stays
// joined and shows in the roster under its Matrix name until a session enters again.
import { memberContent } from '../../../core/rooms/create-room.js';
import type { StanzaContext } from '../../module.js';
import { Status } from './ns.js';
import type { MucService } from './service.js';
import type { MucRoom, RoomOccupant } from './state.js';
import { occupantPresence, presenceError, presencePayload, type Removal } from './stanzas.js';
import { nickConflict } from './view.js';

export interface ExitOptions {
  /** The client asked to leave (presence unavailable to the room) rather than going away. */
  explicit: boolean;
  /** The unavailable presence, whose status text is passed on. */
  stanza?: StanzaContext['stanza'];
  /** A removal the occupant did not ask for (307 kicked, 301 banned, 321), with actor and reason. */
  removal?: Removal;
  /** Whether to send the self-presence (not to a session that is gone). */
  tellSelf?: boolean;
}

export async function exitRoom(svc: MucService, room: MucRoom, occ: RoomOccupant, o: ExitOptions): Promise<void> {
  const entry = room.view.get(occ.nick);
  room.occupants.delete(occ.fullJid);
  if (o.stanza) occ.presence = presencePayload(o.stanza);
  if (entry && o.tellSelf !== false) {
    const self = { ...entry, jid: occ.fullJid, presence: occ.presence };
    svc.send(occ.fullJid, occupantPresence(room.jid, self, occ.fullJid, { ...o.removal, unavailable: true, statuses: [Status.SELF, ...(o.removal?.statuses ?? [])] }));
  }
  const leaveMatrix = o.explicit && room.occupantsOf(occ.mxid).length === 0
    && svc.core.rooms.membership(room.roomId, occ.mxid) === 'join';
  if (!leaveMatrix) {
    svc.refresh(room, { removals: o.removal ? new Map([[occ.nick, o.removal]]) : undefined });
    svc.rooms.release(room);
    return;
  }
  // Hidden while the leave is written, so the others see one departure, not a Matrix member.
  room.hidden.add(occ.mxid);
  room.busy++;
  svc.refresh(room);
  try {
    await svc.core.rooms.send(room.roomId, { type: 'm.room.member', sender: occ.mxid, stateKey: occ.mxid, content: memberContent('leave') });
  } catch (err) {
    svc.logger.warn({ err, room: room.jid }, 'muc: leaving the Matrix room failed');
  } finally {
    room.hidden.delete(occ.mxid);
    room.busy--;
    svc.refresh(room);
    svc.rooms.release(room);
  }
}

/** A session that ended: out of every room, Matrix membership untouched. */
export function sessionGone(svc: MucService, fullJid: string, tellSelf: boolean): void {
  for (const room of svc.rooms.ofSession(fullJid)) {
    const occ = room.occupants.get(fullJid);
    if (occ) void exitRoom(svc, room, occ, { explicit: false, tellSelf });
  }
}

/** Presence to another nick from an occupant: a nick change (§7.6), refused on conflict. */
export function changeNick(svc: MucService, room: MucRoom, occ: RoomOccupant, ctx: StanzaContext, nick: string): void {
  if (nickConflict(room.view, nick, occ.mxid)) {
    svc.send(occ.fullJid, presenceError(ctx.stanza, room.jid, 'conflict'));
    return;
  }
  const from = occ.nick;
  occ.nick = nick;
  occ.presence = presencePayload(ctx.stanza);
  // Still present under the old nick for another session of the same account: no 303 then.
  const renamed = room.occupantsOf(occ.mxid).some((o) => o.nick === from) ? undefined : { from, to: nick };
  svc.refresh(room, { renamed });
  // The nick is the member's display name in the room for Matrix clients too.
  const current = svc.core.rooms.stateContent(room.roomId, 'm.room.member', occ.mxid);
  if (current?.membership === 'join' && current.displayname !== nick) {
    svc.core.rooms.send(room.roomId, { type: 'm.room.member', sender: occ.mxid, stateKey: occ.mxid, content: { ...current, displayname: nick } })
      .catch((err) => svc.logger.warn({ err, room: room.jid }, 'muc: display name update failed'));
  }
}

/** Presence to its own nick without a join: a status change, passed on to the others (§7.7). */
export function updatePresence(svc: MucService, room: MucRoom, occ: RoomOccupant, ctx: StanzaContext): void {
  occ.presence = presencePayload(ctx.stanza);
  svc.refresh(room);
}
