// Chat states (XEP-0085) and displayed markers (XEP-0333) in rooms, against the core's typing
// and read receipts of the Matrix room (the pure halves are src/xmpp/im/chat-states.ts and
// markers.ts, shared with one-to-one chats). From an occupant: passed to the other occupants
// as before (with the sender's occupant id), and <composing/> is typing in the room, a
// <displayed id='STANZA-ID'/> the occupant's m.read. From Matrix: typing reaches the other
// occupants as <composing/>/<paused/>, an m.read every occupant as <displayed/> naming the
// newest message it covers by its room stanza-id (XEP-0333 §4.3 names MUC messages so).
import { chatStateStanza, isTyping, readChatState, TYPING_TIMEOUT_MS } from '../../im/chat-states.js';
import { displayedStanza, readMarker } from '../../im/markers.js';
import type { StanzaErrorCondition } from '../../errors.js';
import type { XmlElement } from '../../xml/element.js';
import { bodyOfEvent } from './mapping.js';
import { occupantIdElement } from './occupant-id.js';
import { resolveInRoom } from './room-rich.js';
import { MESSAGE_TYPES } from './room-stanza.js';
import type { MucService } from './service.js';
import type { MucRoom, RoomOccupant } from './state.js';

/** The origin written with typing and receipts made here, so that their echo is not sent back to XMPP. */
const ORIGIN = 'xmpp';
/** How far back from a receipt the message it covers is looked for. */
const MESSAGE_SCAN = 100;

/**
 * An occupant's groupchat message: its chat state becomes typing in the room, its <displayed/>
 * the occupant's read receipt when it names a newer message of the room. A marker without an id
 * is refused (the returned error); one naming an unknown message changes nothing (XEP-0333 §6).
 */
export function ephemeralFromOccupant(svc: MucService, room: MucRoom, occ: RoomOccupant, stanza: XmlElement): [StanzaErrorCondition, string] | null {
  const marker = readMarker(stanza);
  if (marker && marker.id === '') return ['bad-request', `the <${marker.kind}/> marker names no message (id is missing)`];
  const state = readChatState(stanza);
  if (state) {
    svc.core.typing.set(room.roomId, occ.mxid, isTyping(state), TYPING_TIMEOUT_MS, ORIGIN)
      .catch((err: unknown) => svc.logger.warn({ err, room: room.jid }, 'muc: chat state could not be set as typing'));
  }
  if (marker?.kind === 'displayed') markRead(svc, room, occ, marker.id);
  return null;
}

function markRead(svc: MucService, room: MucRoom, occ: RoomOccupant, id: string): void {
  const target = resolveInRoom(svc, room.roomId, id);
  const at = target ? svc.core.storage.events.getEvent(target.eventId)?.stream : undefined;
  if (!target || at === undefined) return;
  const read = svc.core.receipts.readUpTo(room.roomId, occ.mxid);
  if (read !== null && at <= read) return; // markers only move forward
  svc.core.receipts.put(room.roomId, occ.mxid, 'm.read', target.eventId, null, ORIGIN)
    .catch((err: unknown) => svc.logger.warn({ err, room: room.jid }, 'muc: displayed marker could not be stored as a receipt'));
}

/** Matrix typing in a room with occupants: <composing/> or <paused/> from the typer's occupant JID to the others. */
export function typingToOccupants(svc: MucService): () => void {
  return svc.core.typing.onChange((c) => {
    if (c.origin === ORIGIN) return; // the occupants already got the XMPP client's own stanza
    const extra = [occupantIdElement(svc.occupantIds.of(c.roomId, c.userId))];
    for (const room of svc.rooms.ofRoomId(c.roomId)) {
      const from = `${room.jid}/${svc.nickFor(room, c.userId)}`;
      for (const o of room.occupants.values()) {
        if (o.mxid === c.userId) continue; // one's own typing is not news
        svc.send(o.fullJid, chatStateStanza({ from, to: o.fullJid, typing: c.typing, type: 'groupchat', extra }));
      }
    }
  });
}

/** A Matrix m.read in a room with occupants: a <displayed/> for the newest message it covers, to every occupant. */
export function receiptsToOccupants(svc: MucService): () => void {
  return svc.core.receipts.onChange((c) => {
    if (c.origin === ORIGIN || c.type !== 'm.read' || (c.threadId !== null && c.threadId !== 'main')) return;
    const rooms = svc.rooms.ofRoomId(c.roomId);
    if (rooms.length === 0) return;
    const shown = newestMessage(svc, c.roomId, c.eventId);
    if (!shown) return;
    const extra = [occupantIdElement(svc.occupantIds.of(c.roomId, c.userId))];
    for (const room of rooms) {
      const from = `${room.jid}/${svc.nickFor(room, c.userId)}`;
      // The reader's own XMPP clients learn what was read elsewhere, as in one-to-one chats.
      for (const o of room.occupants.values()) svc.send(o.fullJid, displayedStanza({ from, to: o.fullJid, id: shown, type: 'groupchat', extra }));
    }
  });
}

/** The newest message occupants were given (not redacted) at or before the receipt's event. */
function newestMessage(svc: MucService, roomId: string, eventId: string): string | null {
  const events = svc.core.storage.events;
  const read = events.getEvent(eventId);
  if (!read || read.pdu.room_id !== roomId) return null;
  const hit = events.roomEventsBefore(roomId, read.stream + 1, MESSAGE_SCAN).find((e) =>
    MESSAGE_TYPES.has(e.pdu.type) && e.pdu.state_key === undefined && bodyOfEvent(e.pdu) !== null && events.redactedBy(e.eventId) === null);
  return hit?.eventId ?? null;
}
