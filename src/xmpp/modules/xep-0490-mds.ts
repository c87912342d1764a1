// XEP-0490 Message Displayed Synchronization on the core's read receipts (src/xmpp/im/mds.ts is
// the pure half; docs/bridge-mapping.md has the table). The node itself is ordinary PEP: clients
// publish into it and read it back as XEP-0490 says. What Hearth adds is the bridge:
// - an item an XMPP client publishes for a contact or a room becomes the account's private read
//   receipt (m.read.private) on that message, so Element's unread counts drop with it;
// - a read receipt the account sends from Matrix (or a XEP-0333 marker from XMPP) moves the item
//   for that chat, so every XMPP client subscribed to the node (+notify) learns it at once.
// Only accounts that have the node (an XMPP client made it) get items from Matrix: XEP-0490 is
// opt-in per client, and a Matrix-only account should not grow PEP data.
import type { ReceiptChange } from '../../core/ephemeral/receipts.js';
import { chatOfItem, displayedPayload, displayedStanzaId, NS_MDS } from '../im/mds.js';
import { Jid } from '../jid.js';
import type { XmppModule } from '../module.js';
import { aliasOfRoomJid, roomJidOfAlias } from './xep-0045-muc/addressing.js';
import type { ImContext } from './presence/context.js';
import type { PepService } from './xep-0163-pep/service.js';
import { jidOfMember } from './messages/dm-events.js';

/** Receipts written from an item carry this origin, so that they are not published back. */
const ORIGIN = 'xmpp-mds';
/** How far back from a receipt the message it covers is looked for. */
const MESSAGE_SCAN = 100;

export function mdsModule(im: ImContext, pep: PepService): XmppModule {
  return {
    name: 'xep-0490-mds',
    load(server) {
      pep.onChange((owner, node, itemId) => {
        if (node !== NS_MDS || itemId === undefined) return;
        try { itemToReceipt(im, pep, owner, itemId); } catch (err) { server.logger.warn({ err }, 'mds: item to receipt failed'); }
      });
      im.onClose(im.core.receipts.onChange((c) => {
        if (c.origin === ORIGIN || (c.type !== 'm.read' && c.type !== 'm.read.private')) return;
        if (c.threadId !== null && c.threadId !== 'main') return;
        try { receiptToItem(im, pep, c); } catch (err) { server.logger.warn({ err }, 'mds: receipt to item failed'); }
      }));
    },
  };
}

const mucDomain = (im: ImContext) => im.core.config.mucDomain.toLowerCase();

/** An item of the owner's node names a chat and a message in it: that is their m.read.private. */
function itemToReceipt(im: ImContext, pep: PepService, owner: string, itemId: string): void {
  const [item] = pep.items(owner, NS_MDS, [itemId], undefined);
  const stanzaId = item ? displayedStanzaId(item.payload) : null;
  const chat = chatOfItem(Jid.parse(itemId), { account: im.server.domain, muc: mucDomain(im) });
  if (!stanzaId || !chat) return; // XEP-0490 §4: states that name nothing known are ignored
  const serverName = im.core.config.server_name;
  const reader = `@${owner}:${serverName}`;
  let roomId: string | null;
  if (chat.kind === 'dm') {
    roomId = im.core.directs.find(reader, `@${chat.local}:${serverName}`);
  } else {
    const alias = aliasOfRoomJid(chat.jid, { serverName, mucDomain: mucDomain(im) });
    roomId = alias ? im.core.storage.rooms.getAlias(alias) : null;
    if (roomId && im.core.rooms.membership(roomId, reader) !== 'join') roomId = null;
  }
  const target = roomId ? im.core.storage.events.getEvent(stanzaId) : null;
  if (!roomId || !target || target.pdu.room_id !== roomId) return;
  const read = im.core.receipts.readUpTo(roomId, reader);
  if (read !== null && target.stream <= read) return; // the displayed state only moves forward
  im.core.receipts.put(roomId, reader, 'm.read.private', target.eventId, null, ORIGIN).catch((err: unknown) => {
    im.server.logger.warn({ err, owner }, 'mds: the displayed state could not be stored as a receipt');
  });
}

/** A local account's read receipt: the item of that chat moves to the newest message it covers. */
function receiptToItem(im: ImContext, pep: PepService, c: ReceiptChange): void {
  const owner = im.core.accounts.localpartOf(c.userId);
  if (!owner || !pep.config(owner, NS_MDS)) return;
  const chat = chatJidOf(im, c.roomId, c.userId);
  if (!chat) return;
  const events = im.core.storage.events;
  const read = events.getEvent(c.eventId);
  if (!read || read.pdu.room_id !== c.roomId) return;
  // Clients look the stanza-id up in the chat: name a message, not the state event a receipt may sit on.
  const shown = events.roomEventsBefore(c.roomId, read.stream + 1, MESSAGE_SCAN)
    .find((e) => e.pdu.type === 'm.room.message' && e.pdu.state_key === undefined);
  if (!shown) return;
  const [current] = pep.items(owner, NS_MDS, [chat.jid], undefined);
  const currentId = current ? displayedStanzaId(current.payload) : null;
  const currentAt = currentId ? events.getEvent(currentId)?.stream : undefined;
  if (currentAt !== undefined && currentAt >= shown.stream) return; // already there, or further on
  const bare = `${owner}@${im.server.domain}`;
  pep.publish(owner, bare, NS_MDS, chat.jid, displayedPayload(shown.eventId, chat.by ?? bare), NS_MDS);
}

/** The item id of a room's chat for the reader (the peer's bare JID, or the room's), and whose stanza-ids it uses. */
function chatJidOf(im: ImContext, roomId: string, reader: string): { jid: string; by?: string } | null {
  const pair = im.core.directs.pairOf(roomId);
  if (pair && pair.includes(reader)) {
    const peer = pair[0] === reader ? pair[1] : pair[0];
    const jid = jidOfMember(im, peer);
    return jid ? { jid } : null;
  }
  const alias = im.core.rooms.stateContent(roomId, 'm.room.canonical_alias')?.alias;
  const jid = typeof alias === 'string' ? roomJidOfAlias(alias, { serverName: im.core.config.server_name, mucDomain: mucDomain(im) }) : null;
  return jid ? { jid, by: jid } : null;
}
