// What a client gets on entering (XEP-0045 §7.1, "Order of Events"): presence of every other
// occupant, its own presence, the discussion history, then the subject. Everything here is
// synchronous, so no live room traffic can slip in between.
import { stateTuple } from '../../../core/events/types.js';
import type { StoredEvent } from '../../../core/ports.js';
import type { XmlElement } from '../../xml/element.js';
import type { MucService } from './service.js';
import type { MucRoom, RoomOccupant } from './state.js';
import { occupantPresence, subjectMessage } from './stanzas.js';
import { MESSAGE_TYPES, messageStanza } from './room-stanza.js';
import { historyCount, type HistoryCandidate, type HistoryRequest } from './history.js';
import { Status } from './ns.js';

/** Events looked at, at most, to find the history messages (state events are skipped over). */
const MAX_SCAN = 2000;
const PAGE = 200;

export interface BurstOptions {
  /** Status codes beyond 100 and 110 for the self-presence (201 on creation). */
  statuses: string[];
  /** The join presence's id, reflected on the self-presence (§7.2.3). */
  id?: string;
  history: HistoryRequest;
}

export function sendEntryBurst(svc: MucService, room: MucRoom, occ: RoomOccupant, o: BurstOptions): void {
  const to = occ.fullJid;
  for (const e of room.view.values()) {
    if (!e.sessions.includes(to)) svc.send(to, occupantPresence(room.jid, e, to));
  }
  const self = room.view.get(occ.nick);
  // The room is non-anonymous: status 100 warns that every occupant sees the real JID (§7.2.4).
  if (self) svc.send(to, occupantPresence(room.jid, self, to, { statuses: [Status.NON_ANONYMOUS, Status.SELF, ...o.statuses], id: o.id }));
  sendHistory(svc, room, occ, o.history);
  svc.send(to, subjectFor(svc, room, to));
}

/** The current subject: from the occupant who set it when it is in the room, else from the room. */
export function subjectFor(svc: MucService, room: MucRoom, to: string): XmlElement {
  const ev = svc.stateEvent(room.roomId, 'm.room.topic');
  const topic = typeof ev?.content.topic === 'string' ? ev.content.topic : '';
  const setter = ev ? [...room.view.values()].find((e) => e.mxid === ev.sender)?.nick ?? null : null;
  return subjectMessage(room.jid, setter, to, topic, { ts: ev?.origin_server_ts });
}

/** The oldest stream position the member may see (Matrix history visibility, read from the current state). */
function visibleFrom(svc: MucService, roomId: string, mxid: string): number {
  const vis = svc.core.rooms.stateContent(roomId, 'm.room.history_visibility')?.history_visibility;
  if (vis !== 'joined' && vis !== 'invited') return 0;
  const memberEventId = svc.core.rooms.head(roomId)?.stateIds.get(stateTuple('m.room.member', mxid));
  return (memberEventId && svc.core.storage.events.getEvent(memberEventId)?.stream) || 0;
}

/** The stanza a past event becomes in the history (room-stanza.ts), or null when it is not a message. */
export function historyStanza(svc: MucService, room: MucRoom, ev: StoredEvent, to: string): XmlElement | null {
  return MESSAGE_TYPES.has(ev.pdu.type) && ev.pdu.state_key === undefined ? messageStanza(svc, room, ev, to, 'history') : null;
}

function sendHistory(svc: MucService, room: MucRoom, occ: RoomOccupant, req: HistoryRequest): void {
  const events = svc.core.storage.events;
  const newest = events.roomEventsBefore(room.roomId, Number.MAX_SAFE_INTEGER, 1)[0];
  // Live events at or before this position were read here; the live path skips them for this occupant.
  occ.historyUpTo = Math.max(occ.historyUpTo, newest?.stream ?? 0);
  if (req.maxStanzas === 0 || req.maxChars === 0 || !newest) return;
  const floor = visibleFrom(svc, room.roomId, occ.mxid);
  const picked: (HistoryCandidate & { el: XmlElement })[] = [];
  let before = newest.stream + 1;
  let scanned = 0;
  scan: while (scanned < MAX_SCAN) {
    const page = events.roomEventsBefore(room.roomId, before, PAGE);
    if (page.length === 0) break;
    for (const ev of page) {
      scanned++;
      before = ev.stream;
      if (ev.stream < floor || (req.sinceTs !== null && ev.pdu.origin_server_ts < req.sinceTs)) break scan;
      const el = historyStanza(svc, room, ev, occ.fullJid);
      if (!el) continue;
      picked.push({ el, ts: ev.pdu.origin_server_ts, chars: el.toString().length });
      if (picked.length >= req.maxStanzas) break scan;
    }
  }
  const n = historyCount(picked, req);
  for (const c of picked.slice(0, n).reverse()) svc.send(occ.fullJid, c.el);
}
