// One-to-one messages between a stanza and an m.room.message event (DESIGN §1).
//
// Mapped to Matrix: the <body/> only (the first one in the stanza's language), as `body` with
// msgtype m.text, or m.emote when it starts with "/me " (XEP-0245; the prefix comes back on the
// way out). Everything else that has no Matrix meaning is kept under content["org.hearth.xmpp"]:
//   id            the stanza id, so the recipient sees the id the sender chose
//   type          'normal' when the stanza was a normal message (absent means chat)
//   to_resource   the resource the sender addressed, when it wrote to a full JID
//   from_resource the resource it was sent from
//   payload       every other child element, serialized (XEP-0359 origin-id, OMEMO <encrypted/>,
//                 chat states, receipts requests, <thread/>, other-language bodies, unknown ones)
// What the server stamps itself (stanza-id by this server, delay) is not kept: see payload.ts.
// Files: an XEP-0066 OOB URL that is a file stored here becomes m.image/m.file/m.video/m.audio
// with its mxc:// URL, and such events go to XMPP as the download URL plus OOB (see oob.ts).
import type { JsonObject } from '../../core/events/types.js';
import { x, type XmlElement } from '../xml/element.js';
import { isServerStamped, NS_DELAY, NS_SID, parseFragment, serializeChild } from './payload.js';
import { isMediaContent, mediaLinksFor, mediaToOob, oobToMedia } from './oob.js';
import { isMappedRelation, NS_REPLY, shownContent, stripReplyFallback } from './rich-map.js';

export const XMPP_CONTENT_KEY = 'org.hearth.xmpp';
const EMOTE_PREFIX = '/me ';

export interface XmppExtras {
  id?: string;
  type?: 'normal';
  to_resource?: string;
  from_resource?: string;
  payload?: string[];
}

/** The body that maps: no xml:lang, or the stanza's own language; else the first one. */
export function mainBody(stanza: XmlElement): XmlElement | undefined {
  const bodies = stanza.getChildren('body', stanza.xmlns);
  const lang = stanza.attr('xml:lang');
  return bodies.find((b) => b.attr('xml:lang') === undefined || b.attr('xml:lang') === lang) ?? bodies[0];
}

export interface StanzaOrigin {
  domain: string;
  fromResource?: string;
  toResource?: string;
}

/** The event content for a message with a body; null when it has none (it then makes no event). */
export function messageToContent(stanza: XmlElement, origin: StanzaOrigin): JsonObject | null {
  const body = mainBody(stanza);
  if (!body) return null;
  // A reply's quote is for clients without XEP-0461; Matrix shows the replied-to event itself.
  const text = stanza.getChild('reply', NS_REPLY) ? stripReplyFallback(stanza, body.text()) : body.text();
  const emote = text.startsWith(EMOTE_PREFIX);
  const payload = stanza.elements()
    .filter((c) => c !== body && !isServerStamped(stanza, c, origin.domain) && !isMappedRelation(stanza, c))
    .map((c) => serializeChild(stanza, c));
  const extras: JsonObject = {};
  if (stanza.attr('id') !== undefined) extras.id = stanza.attr('id')!;
  if (stanza.attr('type') === 'normal' || stanza.attr('type') === undefined) extras.type = 'normal';
  if (origin.toResource) extras.to_resource = origin.toResource;
  if (origin.fromResource) extras.from_resource = origin.fromResource;
  if (payload.length > 0) extras.payload = payload;
  const media = oobToMedia(stanza, text, mediaLinksFor(origin.domain));
  if (media) return { ...media, [XMPP_CONTENT_KEY]: extras };
  return {
    msgtype: emote ? 'm.emote' : 'm.text',
    body: emote ? text.slice(EMOTE_PREFIX.length) : text,
    [XMPP_CONTENT_KEY]: extras,
  };
}

/** The XMPP extras of an event's content, each field checked (any Matrix client can write them). */
export function readExtras(content: JsonObject): XmppExtras {
  const raw = content[XMPP_CONTENT_KEY];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const r = raw as JsonObject;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const out: XmppExtras = {};
  if (str(r.id)) out.id = str(r.id);
  if (r.type === 'normal') out.type = 'normal';
  if (str(r.to_resource)) out.to_resource = str(r.to_resource);
  if (str(r.from_resource)) out.from_resource = str(r.from_resource);
  if (Array.isArray(r.payload)) out.payload = r.payload.filter((p): p is string => typeof p === 'string');
  return out;
}

/** The body an XMPP client shows for an m.room.message; null when the event has none. */
export function bodyOf(content: JsonObject): string | null {
  if (typeof content.body !== 'string') return null;
  return content.msgtype === 'm.emote' ? EMOTE_PREFIX + content.body : content.body;
}

export interface Delivery {
  eventId: string;
  from: string;
  to: string;
  /** The archive the stanza-id belongs to: the recipient's bare JID (XEP-0359 §4). */
  archive: string;
  domain: string;
  /** XEP-0203 stamp for a message delivered late (offline), in ms since the epoch. */
  delayedSince?: number;
}

/** The stanza an event becomes for one XMPP recipient; null when it has no body to show. */
export function contentToMessage(content: JsonObject, d: Delivery): XmlElement | null {
  let body = bodyOf(shownContent(content)); // an edit shows its new text (XEP-0308 carries it whole)
  if (body === null) return null;
  const extras = readExtras(content);
  const kept = (extras.payload ?? []).map(parseFragment)
    .filter((el): el is XmlElement => el !== null && !isServerStamped(x('message'), el, d.domain));
  const file = isMediaContent(content) ? mediaToOob(content, kept, mediaLinksFor(d.domain)) : null;
  if (file) body = file.body;
  return x('message', { type: extras.type ?? 'chat', id: extras.id ?? d.eventId, from: d.from, to: d.to },
    x('body', null, body),
    kept,
    file?.oob ?? null,
    x('stanza-id', { xmlns: NS_SID, by: d.archive, id: d.eventId }),
    d.delayedSince === undefined ? null : x('delay', { xmlns: NS_DELAY, from: d.domain, stamp: new Date(d.delayedSince).toISOString() }));
}
