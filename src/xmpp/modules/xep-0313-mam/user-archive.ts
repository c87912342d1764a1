// A user's archive (XEP-0313 §4, user archives): the messages of their direct-message rooms, as
// their XMPP client received or sent them. The stanza is made by the same IM mapping as live
// delivery (im/message-map.ts), so an archived message carries the <stanza-id/> (the event id)
// that the live copy carried, and MAM result ids are those event ids.
import { gatewayJid, jidOfPuppet } from '../../../core/addresses.js';
import type { StoredEvent } from '../../../core/ports.js';
import type { CoreServices } from '../../../core/services.js';
import type { Jid } from '../../jid.js';
import type { XmlElement } from '../../xml/element.js';
import { dmStanza, isDmItem } from '../messages/dm-stanza.js';
import type { ImContext } from '../presence/context.js';
import type { MamQuery } from './query.js';
import { roomSource, type EventItem } from './room-source.js';
import type { ArchiveSource } from './paging.js';

/** The bare XMPP address of a Matrix user: a remote XMPP user behind its puppet, a local account, or the gateway JID. */
export function bareJidOfUser(core: CoreServices, mxid: string): string | null {
  const serverName = core.config.server_name;
  const puppet = jidOfPuppet(mxid, serverName);
  if (puppet) return puppet;
  const lp = core.accounts.localpartOf(mxid);
  if (lp) return `${lp}@${serverName}`;
  return gatewayJid(mxid, serverName);
}

export interface DmRoom { roomId: string; peer: string | null }

/** The user's direct-message rooms (joined or left: history stays readable) with the other party's bare JID. */
export function dmRoomsOf(core: CoreServices, userId: string): DmRoom[] {
  const out: DmRoom[] = [];
  for (const r of core.storage.rooms.roomsForUser(userId, ['join', 'leave'])) {
    const pair = core.directs.pairOf(r.roomId);
    if (!pair || !pair.includes(userId)) continue;
    const other = pair[0] === userId ? pair[1] : pair[0];
    out.push({ roomId: r.roomId, peer: bareJidOfUser(core, other) });
  }
  return out;
}

/** A message (reaction, retraction: messages/dm-stanza.ts) an XMPP client can show, inside the query's time bounds. */
export function isArchivedMessage(core: CoreServices, ev: StoredEvent, q: Pick<MamQuery, 'start' | 'end'>): boolean {
  if (!isDmItem(core, ev)) return false;
  const ts = ev.pdu.origin_server_ts;
  return (q.start === undefined || ts >= q.start) && (q.end === undefined || ts <= q.end);
}

export function userArchive(core: CoreServices, userId: string, q: MamQuery): ArchiveSource<EventItem> {
  const rooms = dmRoomsOf(core, userId);
  const wanted = q.with?.bareString().toLowerCase();
  const searched = rooms.filter((r) => wanted === undefined || r.peer?.toLowerCase() === wanted).map((r) => r.roomId);
  return roomSource({
    events: core.storage.events, rooms: rooms.map((r) => r.roomId), searched,
    matches: (ev) => isArchivedMessage(core, ev, q),
  });
}

/** The message as the user's client saw it: sent by them (to the peer) or received (to them). */
export function archivedStanza(im: ImContext, owner: Jid, item: EventItem, peer: string | null): XmlElement | null {
  const { pdu } = item.ev;
  const ownerBare = owner.bareString();
  const sentByOwner = pdu.sender === im.core.accounts.userId(owner.local);
  const to = sentByOwner ? peer : ownerBare;
  if (!to) return null;
  return dmStanza(im, item.ev, ownerBare, to, 'archive');
}
