// XEP-0490 Message Displayed Synchronization against Matrix read receipts. Pure; the module half
// is modules/xep-0490-mds.ts. See docs/bridge-mapping.md.
//
// An item of the account's 'urn:xmpp:mds:displayed:0' PEP node says "this chat is displayed up to
// this stanza-id". Its item id names the chat: a contact's bare JID (a one-to-one chat) or a
// room's bare JID; a full JID (a MUC private chat) has no Matrix room and is only stored.
import type { Jid } from '../jid.js';
import { x, type XmlElement } from '../xml/element.js';
import { NS_SID } from './payload.js';

export const NS_MDS = 'urn:xmpp:mds:displayed:0';

/** The chat an item id names, by the domain it is on; null for anything else. */
export type MdsChat = { kind: 'dm'; local: string } | { kind: 'room'; jid: Jid };

export function chatOfItem(itemId: Jid | null, domains: { account: string; muc: string }): MdsChat | null {
  if (!itemId || !itemId.isBare() || itemId.local === '') return null;
  if (itemId.domain === domains.account) return { kind: 'dm', local: itemId.local };
  if (itemId.domain === domains.muc) return { kind: 'room', jid: itemId };
  return null;
}

/** The stanza-id a <displayed/> payload points at (exactly one, XEP-0490 §3.1), or null. */
export function displayedStanzaId(payload: XmlElement): string | null {
  if (payload.name !== 'displayed' || payload.xmlns !== NS_MDS) return null;
  const ids = payload.elements().filter((c) => c.name === 'stanza-id' && payload.nsOf(c) === NS_SID);
  const id = ids.length === 1 ? ids[0]!.attr('id') : undefined;
  return id ? id : null;
}

/** The payload for "displayed up to `stanzaId`", that id stamped `by` the archive that gave it. */
export function displayedPayload(stanzaId: string, by: string): XmlElement {
  return x('displayed', { xmlns: NS_MDS }, x('stanza-id', { xmlns: NS_SID, by, id: stanzaId }));
}
