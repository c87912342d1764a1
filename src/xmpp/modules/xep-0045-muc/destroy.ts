// Destroying a room (XEP-0045 §10.9). Matrix has no deletion of a room, so destroying closes it
// for good on both sides: every XMPP occupant gets one unavailable presence with <destroy/> (the
// alternate venue and the reason), then, as the owner, the service makes the room invite-only,
// removes its local aliases (so the room JID is free for a new room), points to the alternate
// venue with an m.room.tombstone when that is a room here, kicks every other member it can, and
// leaves. Members at the owner's own level (other owners) cannot be kicked under the Matrix rules
// and stay, in a room nobody can enter any more.
import { memberContent } from '../../../core/rooms/create-room.js';
import { Jid } from '../../jid.js';
import { x, type XmlElement } from '../../xml/element.js';
import { NS_MUC_USER } from './ns.js';
import type { MucService } from './service.js';

export interface Destruction {
  /** The alternate venue (a room JID), when the owner named one. */
  venue?: string;
  reason?: string;
}

/** The <destroy/> of a muc#owner query; a venue that is not a JID is refused by the caller. */
export function readDestroy(el: XmlElement): Destruction | null {
  const venue = el.attr('jid');
  if (venue !== undefined && !Jid.parse(venue)?.isBare()) return null;
  return { venue, reason: el.getChildText('reason') || undefined };
}

function destroyPresence(from: string, to: string, d: Destruction): XmlElement {
  return x('presence', { from, to, type: 'unavailable' },
    x('x', { xmlns: NS_MUC_USER },
      x('item', { affiliation: 'none', role: 'none' }),
      x('destroy', { jid: d.venue }, d.reason ? x('reason', {}, d.reason) : null)));
}

export async function destroyRoom(svc: MucService, roomId: string, owner: string, d: Destruction): Promise<void> {
  // §10.9: one unavailable presence per occupant, none of the others' departures.
  for (const room of svc.rooms.ofRoomId(roomId)) {
    for (const occ of [...room.occupants.values()]) svc.send(occ.fullJid, destroyPresence(`${room.jid}/${occ.nick}`, occ.fullJid, d));
    room.occupants.clear();
    room.view = new Map();
    svc.rooms.release(room);
  }
  const send = (type: string, content: Record<string, unknown>, stateKey = '') =>
    svc.core.rooms.send(roomId, { type, sender: owner, stateKey, content: content as never });
  await send('m.room.join_rules', { join_rule: 'invite' });
  for (const alias of svc.core.storage.rooms.aliasesOf(roomId)) svc.core.storage.rooms.deleteAlias(alias);
  if (svc.core.rooms.stateContent(roomId, 'm.room.canonical_alias')) await send('m.room.canonical_alias', {});
  const venueId = d.venue ? svc.roomIdOf(Jid.parse(d.venue)!) : null;
  if (venueId && venueId !== roomId) await send('m.room.tombstone', { body: d.reason ?? 'This room has been replaced', replacement_room: venueId });
  const ownLevel = svc.levelOf(roomId, owner);
  for (const { userId, membership } of svc.core.storage.rooms.members(roomId)) {
    if (userId === owner || (membership !== 'join' && membership !== 'invite' && membership !== 'knock')) continue;
    if (svc.levelOf(roomId, userId) >= ownLevel) continue;
    await send('m.room.member', { ...memberContent('leave'), reason: d.reason ?? 'The room has been destroyed' }, userId);
  }
  await send('m.room.member', memberContent('leave'), owner);
}
