// Presence to a room (XEP-0045 §7): entering, presence updates, nick changes and exiting.
import type { Jid } from '../../jid.js';
import type { StanzaContext } from '../../module.js';
import { aliasOfRoomJid, nickOf } from './addressing.js';
import { enterRoom, resync } from './join.js';
import { changeNick, exitRoom, updatePresence } from './leave.js';
import { NS_MUC } from './ns.js';
import type { MucService } from './service.js';
import { notInRoomKick, presenceError } from './stanzas.js';

export function handleRoomPresence(svc: MucService, ctx: StanzaContext, to: Jid): void {
  const stanza = ctx.stanza;
  const type = stanza.attr('type');
  const fullJid = ctx.from.toString();
  // Subscriptions and probes mean nothing to a room (RFC 6121 §8.5).
  if (type !== undefined && type !== 'unavailable') return;
  const isJoin = stanza.getChild('x', NS_MUC) !== undefined;
  if (aliasOfRoomJid(to, svc.addr) === null) {
    // Not a room address (the service itself, or a name too long for an alias): only a join is answered.
    if (isJoin && type === undefined) svc.send(fullJid, presenceError(stanza, to.bareString(), 'jid-malformed', 'not a room address'));
    return;
  }
  const room = svc.rooms.get(to.bareString());
  const occ = room?.occupants.get(fullJid);
  if (type === 'unavailable') {
    if (room && occ) void exitRoom(svc, room, occ, { explicit: true, stanza });
    return;
  }
  const nick = nickOf(to);
  if (!nick) return void svc.send(fullJid, presenceError(stanza, to.bareString(), 'jid-malformed', 'a room nick is required'));
  if (room && occ) {
    if (nick !== occ.nick) return changeNick(svc, room, occ, ctx, nick);
    return isJoin ? resync(svc, room, occ, ctx) : updatePresence(svc, room, occ, ctx);
  }
  // §7.2.1 (since 1.32): presence without the MUC element from a non-occupant is a groupchat 1.0
  // join or a client that lost track; it is told it is not in the room.
  if (!isJoin) return void svc.send(fullJid, notInRoomKick(stanza));
  if (!ctx.session) {
    return void svc.send(fullJid, presenceError(stanza, to.bareString(), 'not-allowed', 'rooms here are open to accounts of this server'));
  }
  enterRoom(svc, ctx, ctx.session, to, nick).catch((err) => {
    svc.logger.warn({ err, room: to.bareString() }, 'muc: entering a room failed');
    svc.send(fullJid, presenceError(stanza, to.bareString(), 'internal-server-error'));
  });
}
