// XEP-0424 message retraction and its Matrix counterpart, the redaction of an m.room.message, in
// one-to-one chats. Pure; resolving ids and sending the redaction is modules/messages/
// rich-events.ts. The current namespace (urn:xmpp:message-retract:1, <retract id='X'/>) is read
// and written; the older :0 form inside an XEP-0422 <apply-to id='X'/> (still sent by some
// clients, e.g. slixmpp's plugin) is read too. See docs/bridge-mapping.md.
import { x, type XmlElement } from '../xml/element.js';
import { NS_SID } from './payload.js';
import { NS_FALLBACK, NS_HINTS } from './rich-map.js';

export const NS_RETRACT = 'urn:xmpp:message-retract:1';
export const NS_RETRACT_0 = 'urn:xmpp:message-retract:0';
export const NS_FASTEN = 'urn:xmpp:fasten:0';
/** What a client without XEP-0424 shows (the XEP's fallback is a /me line). */
export const RETRACTION_FALLBACK = '/me retracted a message (this client cannot show retractions)';

/**
 * The id of the message a stanza retracts: null when it is no retraction, '' when it is one
 * without an id (malformed).
 */
export function readRetraction(stanza: XmlElement): string | null {
  const current = stanza.getChild('retract', NS_RETRACT);
  if (current) return current.attr('id') ?? '';
  const applyTo = stanza.getChild('apply-to', NS_FASTEN);
  if (applyTo && applyTo.getChild('retract', NS_RETRACT_0)) return applyTo.attr('id') ?? '';
  return null;
}

export interface RetractionDelivery {
  /** The retraction's own id: its sender's stanza id, else the redaction's event id. */
  id: string;
  from: string;
  to: string;
  /** The id the recipient knows the retracted message by. */
  targetId: string;
  /** XEP-0359: the redaction event's id in the recipient's archive. */
  stanzaId: string;
  archive: string;
}

/** The retraction one recipient gets: the :1 element, a XEP-0428 fallback body, and a store hint. */
export function retractionStanza(d: RetractionDelivery): XmlElement {
  return x('message', { type: 'chat', id: d.id, from: d.from, to: d.to },
    x('retract', { xmlns: NS_RETRACT, id: d.targetId }),
    x('fallback', { xmlns: NS_FALLBACK, for: NS_RETRACT }),
    x('body', null, RETRACTION_FALLBACK),
    x('store', { xmlns: NS_HINTS }), // XEP-0424 §3: archives must keep retractions
    x('stanza-id', { xmlns: NS_SID, by: d.archive, id: d.stanzaId }));
}

/**
 * XEP-0424 §4: what the archive shows in place of a retracted message: the message's envelope
 * with a <retracted/> naming the retraction's id and time, and nothing of its content. In a room
 * (type groupchat) the envelope keeps the author's occupant id (`keep`), and a moderation puts
 * its <moderated/> and <reason/> inside <retracted/> (XEP-0425 §5, `inside`).
 */
export function tombstone(a: {
  id: string; from: string; to?: string; retractionId: string; stamp: number;
  type?: 'chat' | 'groupchat'; keep?: XmlElement[]; inside?: XmlElement[];
}): XmlElement {
  return x('message', { type: a.type ?? 'chat', id: a.id, from: a.from, to: a.to },
    a.keep ?? [],
    x('retracted', { xmlns: NS_RETRACT, id: a.retractionId, stamp: new Date(a.stamp).toISOString() }, a.inside ?? []));
}
