// Room events, whatever protocol they came from, as XMPP occupants see them: messages from the
// sender's occupant JID with the event id as XEP-0359 stanza id (and the sender's own stanza id
// and payload when it came from XMPP), topic changes as subject messages, membership and power
// level changes as roster presence, other configuration changes as status 104.
import type { RoomEventNotice } from '../../../core/bus.js';
import { exitRoom } from './leave.js';
import { Status } from './ns.js';
import type { MucService } from './service.js';
import type { MucRoom } from './state.js';
import { configChangedMessage, type Removal } from './stanzas.js';
import { nickOfMember } from './view.js';
import { onInvite } from './invite.js';
import { onRedaction } from './moderation.js';
import { MESSAGE_TYPES, messageStanza, roomStanza } from './room-stanza.js';

/** State whose change XEP-0045 §10.2.1 announces as a configuration change (status 104). */
const CONFIG_STATE = new Set(['m.room.name', 'm.room.join_rules', 'm.room.history_visibility', 'm.room.guest_access', 'm.room.avatar', 'm.room.encryption']);

export function onRoomEvent(svc: MucService, n: RoomEventNotice): void {
  const { pdu } = n;
  if (pdu.type === 'm.room.member' && pdu.content.membership === 'invite') onInvite(svc, n);
  const rooms = svc.rooms.ofRoomId(n.roomId);
  if (rooms.length === 0) return;
  if (pdu.type === 'm.room.redaction') return onRedaction(svc, n);
  if (pdu.type === 'm.room.member') return rooms.forEach((room) => onMember(svc, room, n));
  if (pdu.type === 'm.room.power_levels' && pdu.state_key === '') return rooms.forEach((room) => svc.refresh(room));
  if (pdu.type === 'm.room.topic' && pdu.state_key === '') return onTopic(svc, n);
  if (pdu.state_key === '' && CONFIG_STATE.has(pdu.type)) {
    svc.toOccupants(n.roomId, (room, to, seen) => (n.stream <= seen ? null : configChangedMessage(room.jid, to, n.eventId)));
    return;
  }
  if (pdu.state_key !== undefined) return;
  if (pdu.type === 'm.reaction') {
    svc.toOccupants(n.roomId, (room, to, seen) => (n.stream <= seen ? null : roomStanza(svc, room, n, to, 'live')));
    return;
  }
  if (!MESSAGE_TYPES.has(pdu.type)) return;
  // One stanza per room JID, with only the recipient spliced in per occupant (service.ts).
  svc.toOccupantsSame(n.roomId, (room, to) => messageStanza(svc, room, n, to, 'live'), (seen) => n.stream <= seen);
}

function onTopic(svc: MucService, n: RoomEventNotice): void {
  svc.toOccupants(n.roomId, (room, to, seen) => (n.stream <= seen ? null : roomStanza(svc, room, n, to, 'live')));
}

/**
 * A membership change. Accounts with XMPP sessions in the room that are no longer joined lose
 * those sessions' occupancy: kicked (307), banned (301) or removed as no longer members (321,
 * asked through muc#admin) by someone else, or left from another client. A Matrix-only member
 * kicked or banned leaves the roster with the same codes, actor and reason. Everything else
 * (joins, leaves and renames of Matrix members) is a roster change.
 */
function onMember(svc: MucService, room: MucRoom, n: RoomEventNotice): void {
  const target = n.pdu.state_key!;
  const membership = n.pdu.content.membership;
  // A change this module is making itself (an XMPP join or leave in flight) is announced by it.
  if ((membership !== 'leave' && membership !== 'ban') || room.hidden.has(target)) return svc.refresh(room);
  const removal = removalOf(svc, room, n);
  for (const occ of room.occupantsOf(target)) void exitRoom(svc, room, occ, { explicit: false, removal });
  const nick = removal ? nickOfMember(room.view, target) : null;
  svc.refresh(room, { removals: nick && removal ? new Map([[nick, removal]]) : undefined });
}

/** Why a member left when it did not leave of its own accord: 301 ban, 321 (muc#admin) or 307 kick. */
function removalOf(svc: MucService, room: MucRoom, n: RoomEventNotice): Removal | undefined {
  const target = n.pdu.state_key!;
  const banned = n.pdu.content.membership === 'ban';
  if (!banned && n.pdu.sender === target) return undefined;
  const status = banned ? Status.BANNED : svc.removing.get(`${n.roomId} ${target}`) ?? Status.KICKED;
  const reason = typeof n.pdu.content.reason === 'string' && n.pdu.content.reason !== '' ? n.pdu.content.reason : undefined;
  return {
    statuses: [status], actor: svc.nickFor(room, n.pdu.sender), reason,
    affiliation: banned ? 'outcast' : status === Status.AFFILIATION_CHANGED ? 'none' : undefined,
  };
}
