// Stanza children kept whole inside an event (DESIGN §1: "nothing is lost in translation"): how
// they are written into event content and read back. They are stored as XML text, each with its
// namespace declared on itself so it means the same thing outside its message; the format is the
// one the MUC module uses for room messages, so MAM and carbons read both alike.
//
// Reading back goes through the stream parser: event content can be written by any Matrix
// client, so stored XML is untrusted and must be parsed, never pasted into a stream.
import { Jid } from '../jid.js';
import type { XmlElement } from '../xml/element.js';
import { StreamParser } from '../xml/stream-parser.js';

export const NS_SID = 'urn:xmpp:sid:0';
export const NS_DELAY = 'urn:xmpp:delay';
/** Stored payload larger than this is dropped rather than parsed. */
const MAX_FRAGMENT_BYTES = 64 * 1024;
const WRAPPER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

/** A child as standalone XML, its namespace made explicit. */
export function serializeChild(parent: XmlElement, child: XmlElement): string {
  const ns = parent.nsOf(child);
  return (child.attr('xmlns') === ns ? child : child.withAttrs({ xmlns: ns })).toString();
}

/** One stored fragment back to an element; null when it is not exactly one well-formed element. */
export function parseFragment(xml: string): XmlElement | null {
  if (Buffer.byteLength(xml) > MAX_FRAGMENT_BYTES) return null;
  const parser = new StreamParser({ maxStanzaSize: MAX_FRAGMENT_BYTES });
  parser.feed(WRAPPER);
  const events = parser.feed(xml);
  return events.length === 1 && events[0]!.type === 'stanza' ? events[0]!.element : null;
}

/**
 * What only this server may put on a message, and so is dropped from what a sender supplied:
 * XEP-0359 <stanza-id/> claiming to be from an archive here (§5: a forged one would let a sender
 * rewrite another message's archive id) and XEP-0203 <delay/> (the server stamps its own).
 */
export function isServerStamped(parent: XmlElement, child: XmlElement, domain: string): boolean {
  const ns = parent.nsOf(child);
  if (ns === NS_DELAY && child.name === 'delay') return true;
  if (ns === NS_SID && child.name === 'stanza-id') {
    const by = Jid.parse(child.attr('by') ?? '');
    return !by || by.domain === domain;
  }
  return false;
}
