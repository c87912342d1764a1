// Service discovery of the MUC service and its rooms (XEP-0045 §6). A room's features are read
// from its Matrix state: join rules give open/members-only and public/hidden, the message power
// level moderated or not (a room closed only by its password counts as open and public); every
// room is persistent and non-anonymous.
import { x, type XmlElement } from '../../xml/element.js';
import { eventLevel } from './affiliation.js';
import { roomJidOfAlias } from './addressing.js';
import {
  FORM_ROOMINFO, NS_DATA, NS_DISCO_INFO, NS_DISCO_ITEMS, NS_MUC, NS_MUC_STABLE_ID, NS_PING, NS_SID,
} from './ns.js';
import { openRoom, roomSecret } from './password.js';
import { NS_OCCUPANT_ID } from './occupant-id.js';
import type { MucService } from './service.js';
import { NS_VCARD } from '../xep-0054-vcard-model.js';

export const SELF_PING_OPTIMIZATION = 'http://jabber.org/protocol/muc#self-ping-optimization';

export function serviceInfo(): XmlElement {
  return x('query', { xmlns: NS_DISCO_INFO },
    x('identity', { category: 'conference', type: 'text', name: 'Chatrooms' }),
    // XEP-0421 §4: occupant ids are on in every room, so the service says so too.
    [NS_DISCO_INFO, NS_DISCO_ITEMS, NS_MUC, NS_MUC_STABLE_ID, NS_PING, NS_OCCUPANT_ID, NS_VCARD].sort().map((v) => x('feature', { var: v })));
}

/** Public rooms with an alias on this server (§6.3); hidden (non-public) rooms are not listed. */
export function serviceItems(svc: MucService): XmlElement {
  const items: XmlElement[] = [];
  for (const r of svc.core.storage.rooms.listRooms()) {
    if (!openRoom(svc, r.roomId)) continue;
    const name = roomName(svc, r.roomId);
    for (const alias of svc.core.storage.rooms.aliasesOf(r.roomId)) {
      const jid = roomJidOfAlias(alias, svc.addr);
      if (jid) items.push(x('item', { jid, name: name ?? undefined }));
    }
  }
  return x('query', { xmlns: NS_DISCO_ITEMS }, items);
}

function roomName(svc: MucService, roomId: string): string | null {
  const name = svc.core.rooms.stateContent(roomId, 'm.room.name')?.name;
  return typeof name === 'string' && name !== '' ? name : null;
}

/** Features of a room, from its state. */
export function roomFeatures(svc: MucService, roomId: string): string[] {
  const rooms = svc.core.rooms;
  const open = openRoom(svc, roomId);
  const pl = rooms.stateContent(roomId, 'm.room.power_levels');
  const usersDefault = typeof pl?.users_default === 'number' ? pl.users_default : 0;
  const moderated = eventLevel(pl, 'm.room.message', false) > usersDefault;
  return [
    NS_MUC, NS_MUC_STABLE_ID, NS_SID, NS_DISCO_INFO, NS_DISCO_ITEMS, NS_PING, SELF_PING_OPTIMIZATION,
    open ? 'muc_public' : 'muc_hidden',
    open ? 'muc_open' : 'muc_membersonly',
    moderated ? 'muc_moderated' : 'muc_unmoderated',
    'muc_persistent', 'muc_nonanonymous', roomSecret(svc, roomId) !== null ? 'muc_passwordprotected' : 'muc_unsecured',
    'urn:xmpp:mam:2', 'urn:xmpp:mam:2#extended', NS_OCCUPANT_ID,
    'urn:xmpp:message-moderate:1', 'urn:xmpp:message-retract:1', 'urn:xmpp:message-retract:1#tombstone',
    NS_VCARD, // XEP-0486 room avatars
  ];
}

function field(v: string, value: string | null, label?: string, type?: string): XmlElement {
  return x('field', { var: v, label, type }, value !== null ? x('value', {}, value) : null);
}

/** disco#info of a room (§6.4) with the muc#roominfo form (XEP-0128). */
export function roomInfo(svc: MucService, roomId: string, localpart: string, occupants: number, avatarHash: string | null = null): XmlElement {
  const name = roomName(svc, roomId);
  const topic = svc.core.rooms.stateContent(roomId, 'm.room.topic')?.topic;
  const pl = svc.core.rooms.stateContent(roomId, 'm.room.power_levels');
  const usersDefault = typeof pl?.users_default === 'number' ? pl.users_default : 0;
  const anyoneSetsSubject = eventLevel(pl, 'm.room.topic', true) <= usersDefault;
  return x('query', { xmlns: NS_DISCO_INFO },
    x('identity', { category: 'conference', type: 'text', name: name ?? localpart }),
    roomFeatures(svc, roomId).sort().map((v) => x('feature', { var: v })),
    x('x', { xmlns: NS_DATA, type: 'result' },
      field('FORM_TYPE', FORM_ROOMINFO, undefined, 'hidden'),
      field('muc#roomconfig_roomname', name, 'Name'),
      field('muc#roominfo_subject', typeof topic === 'string' ? topic : '', 'Current subject'),
      field('muc#roomconfig_changesubject', anyoneSetsSubject ? '1' : '0', 'Occupants may change the subject', 'boolean'),
      field('muc#roominfo_occupants', String(occupants), 'Number of occupants'),
      // XEP-0486: only when the room has an avatar.
      avatarHash ? field('muc#roominfo_avatarhash', avatarHash, 'Avatar hash', 'text-multi') : null));
}
