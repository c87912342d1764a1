// A group chat's archive (XEP-0313 §6.2, MUC archives): the room's timeline, queried at the
// room JID. Each result is what occupants got live (xep-0045-muc/room-stanza.ts: messages with
// their corrections and replies, reactions, retractions and moderations; a retracted message is
// a tombstone), without 'to', with the sender's real JID in a muc#user <item/> (the rooms are
// non-anonymous), and the stanza-id the live copy carried (the event id, by the room JID). Reading it needs the right
// to enter: a member, or anyone not banned when the room is public.
import type { Jid } from '../../jid.js';
import type { StanzaContext } from '../../module.js';
import { x, type XmlElement } from '../../xml/element.js';
import { NS_MUC_USER } from '../xep-0045-muc/ns.js';
import { isRoomItem, roomStanza } from '../xep-0045-muc/room-stanza.js';
import type { MucService } from '../xep-0045-muc/service.js';
import { MucRoom } from '../xep-0045-muc/state.js';
import { selectPage } from './paging.js';
import { parseQuery, type MamQuery } from './query.js';
import { sendResults } from './results.js';
import { roomSource, type EventItem } from './room-source.js';
import { queryForm } from './index.js';

type Reply = { result(...c: XmlElement[]): void; error(condition: 'bad-request' | 'feature-not-implemented' | 'jid-malformed' | 'item-not-found' | 'forbidden' | 'internal-server-error', text?: string): void };

/** Whether the account may read the room's history now (§6.2: the right to enter the room). */
export function mayReadRoom(svc: MucService, roomId: string, mxid: string): boolean {
  const membership = svc.core.rooms.stateContent(roomId, 'm.room.member', mxid)?.membership;
  if (membership === 'ban') return false;
  if (membership === 'join') return true;
  return svc.core.rooms.stateContent(roomId, 'm.room.join_rules')?.join_rule === 'public';
}

function inQuery(item: EventItem, q: MamQuery, svc: MucService): boolean {
  const { pdu } = item.ev;
  // Messages (tombstones once retracted or moderated), reactions and retractions: as live.
  if (!isRoomItem(svc, item.ev)) return false;
  const ts = pdu.origin_server_ts;
  if ((q.start !== undefined && ts < q.start) || (q.end !== undefined && ts > q.end)) return false;
  // 'with' on a room archive names a sender: by real JID (bare) or by occupant JID.
  return q.with === undefined || svc.jidOfMxid(pdu.sender).toLowerCase() === q.with.bareString().toLowerCase();
}

/** The stanza occupants got (room-stanza.ts), without 'to', with the sender's real JID (§6.2: non-anonymous rooms). */
function render(svc: MucService, room: MucRoom, item: EventItem): XmlElement | null {
  const el = roomStanza(svc, room, item.ev, '', 'archive');
  if (!el) return null;
  const fromOccupant = el.attr('from') !== room.jid;
  const bare = el.withAttrs({ to: undefined });
  return fromOccupant ? bare.withChildren([...el.children, x('x', { xmlns: NS_MUC_USER }, x('item', { jid: svc.jidOfMxid(item.ev.pdu.sender) }))]) : bare;
}

/** A MAM iq (get: the form; set: a query) addressed to a room JID. */
export function roomArchiveIq(svc: MucService, ctx: StanzaContext, to: Jid, roomId: string, type: 'get' | 'set', payload: XmlElement, reply: Reply): void {
  if (!ctx.session) return reply.error('forbidden');
  if (!mayReadRoom(svc, roomId, svc.mxidOfAccount(ctx.session.username))) return reply.error('forbidden', 'you may not enter this room');
  if (type === 'get') return reply.result(queryForm());
  const q = parseQuery(payload);
  if ('error' in q) return reply.error(q.error, q.text);
  const roomJid = to.bareString();
  const src = roomSource({
    events: svc.core.storage.events, rooms: [roomId], searched: [roomId],
    matches: (ev) => inQuery({ stream: ev.stream, id: ev.eventId, ev, roomId }, q, svc),
  });
  const page = selectPage(src, q);
  if (page === 'item-not-found') return reply.error('item-not-found', 'no such id in this archive');
  const session = ctx.session;
  // A room JID with no occupants has no roster: nicks then come from the members' display names.
  const room = svc.rooms.get(roomJid) ?? new MucRoom(roomJid, roomId);
  reply.result(sendResults({ to: ctx.from.toString(), archive: roomJid, send: (el) => session.send(el) }, q, page,
    (item) => render(svc, room, item)));
}
