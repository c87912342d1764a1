// What a room message keeps from its stanza when it becomes an event (DESIGN §1, "nothing is
// lost in translation"): the stanza id and the children with no Matrix meaning (origin-id, OMEMO,
// markup, unknown extensions), under content["org.hearth.xmpp"] in the same format as one-to-one
// messages (src/xmpp/im/message-map.ts), so that MAM and carbons read both alike. They come back
// whole when the event goes out to XMPP occupants.
import type { JsonObject } from '../../../core/events/types.js';
import { Jid } from '../../jid.js';
import { readExtras } from '../../im/message-map.js';
import { isServerStamped, parseFragment, serializeChild } from '../../im/payload.js';
import { x, type XmlElement } from '../../xml/element.js';
import type { MucAddressing } from './addressing.js';
import { NS_SID } from './ns.js';
import { isOccupantId } from './occupant-id.js';

/**
 * What only this server may put on a message: delay, a XEP-0421 occupant id, and a XEP-0359 stanza-id by this server or
 * by one of its rooms (§5: a forged one would rewrite another message's archive id).
 */
export function stampedHere(parent: XmlElement, child: XmlElement, a: MucAddressing): boolean {
  if (isServerStamped(parent, child, a.serverName) || isOccupantId(parent, child)) return true;
  if (child.name !== 'stanza-id' || parent.nsOf(child) !== NS_SID) return false;
  const by = Jid.parse(child.attr('by') ?? '');
  return !by || by.domain === a.mucDomain;
}

/** The children of a message worth keeping: all but the mapped body and what the server stamps. */
export function unknownChildren(stanza: XmlElement, body: XmlElement | undefined, a: MucAddressing): XmlElement[] {
  return stanza.elements().filter((c) => c !== body && !stampedHere(stanza, c, a));
}

/** The content["org.hearth.xmpp"] object of a groupchat message; `keep` leaves out children mapped elsewhere. */
export function extrasOf(stanza: XmlElement, body: XmlElement | undefined, a: MucAddressing, keep: (c: XmlElement) => boolean = () => true): JsonObject {
  const extras: JsonObject = {};
  const id = stanza.attr('id');
  if (id !== undefined) extras.id = id;
  const payload = unknownChildren(stanza, body, a).filter(keep).map((c) => serializeChild(stanza, c));
  if (payload.length > 0) extras.payload = payload;
  return extras;
}

/** The stanza id and kept children of an event; stored XML is parsed (any Matrix client may write it). */
export function fromContent(content: JsonObject, a: MucAddressing): { id?: string; children: XmlElement[] } {
  const extras = readExtras(content);
  const children: XmlElement[] = [];
  for (const p of extras.payload ?? []) {
    const el = parseFragment(p);
    if (el && !stampedHere(x('message'), el, a)) children.push(el);
  }
  return { id: extras.id, children };
}
