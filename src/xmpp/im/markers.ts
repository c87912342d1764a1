// XEP-0333 chat markers against Matrix read receipts (m.read) in one-to-one chats. Pure; the
// module half is modules/messages/markers.ts. See docs/bridge-mapping.md.
//
// Only <displayed/> maps: it is what m.read means ("the user has read up to here"). <received/>
// and <acknowledged/> pass between XMPP clients as they are.
import { x, type XmlElement } from '../xml/element.js';
import { parseFragment } from './payload.js';

export const NS_MARKERS = 'urn:xmpp:chat-markers:0';
const MARKERS = ['received', 'displayed', 'acknowledged'] as const;
export type MarkerKind = (typeof MARKERS)[number];

/** The chat marker a message carries: null when none, an empty id when it has none (malformed). */
export function readMarker(stanza: XmlElement): { kind: MarkerKind; id: string } | null {
  for (const c of stanza.elements()) {
    if (stanza.nsOf(c) !== NS_MARKERS || !(MARKERS as readonly string[]).includes(c.name)) continue;
    return { kind: c.name as MarkerKind, id: c.attr('id') ?? '' };
  }
  return null;
}

/** Whether a stored message asked for markers (<markable/> kept in its XMPP payload). */
export function isMarkable(payload: readonly string[] | undefined): boolean {
  return (payload ?? []).some((xml) => {
    if (!xml.startsWith('<markable')) return false; // cheap filter before parsing
    const el = parseFragment(xml);
    return el !== null && el.name === 'markable' && el.xmlns === NS_MARKERS;
  });
}

export function markableElement(): XmlElement {
  return x('markable', { xmlns: NS_MARKERS });
}

/**
 * The marker for a Matrix read receipt: only the marker element (XEP-0333 §5); in a room, type
 * groupchat with the reader's occupant id among `extra` (XEP-0333 §4.3, security considerations).
 */
export function displayedStanza(a: { from: string; to: string; id: string; type?: 'chat' | 'groupchat'; extra?: XmlElement[] }): XmlElement {
  return x('message', { type: a.type ?? 'chat', from: a.from, to: a.to }, x('displayed', { xmlns: NS_MARKERS, id: a.id }), a.extra ?? []);
}
