// Building the stanzas a room sends (XEP-0045 §7): occupant presence, errors, in-room messages
// with their XEP-0359 stanza id and XEP-0203 delay, and the subject. Pure functions.
import { errorElement, STANZA_ERROR_DEFAULT_TYPES, type StanzaErrorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { NS_DELAY, NS_MUC, NS_MUC_USER, NS_SID, Status } from './ns.js';
import type { Affiliation } from './affiliation.js';
import type { ViewEntry } from './view.js';
import { isOccupantId, occupantIdElement } from './occupant-id.js';

/** XEP-0082 DateTime, UTC, with milliseconds (allowed by the profile). */
export function stamp(ts: number): string {
  return new Date(ts).toISOString();
}

export function delay(roomJid: string, ts: number): XmlElement {
  return x('delay', { xmlns: NS_DELAY, from: roomJid, stamp: stamp(ts) });
}

/** The presence payload an occupant shares (show, status, caps...): everything but MUC elements. */
export function presencePayload(stanza: XmlElement): XmlElement[] {
  return stanza.elements().filter((c) => {
    const ns = stanza.nsOf(c);
    return !(c.name === 'x' && (ns === NS_MUC || ns === NS_MUC_USER)) && c.name !== 'error' && !isOccupantId(stanza, c);
  });
}

export interface PresenceOptions {
  statuses?: string[];
  unavailable?: boolean;
  id?: string;
  /** For a nick change (status 303): the new nick, on the unavailable presence from the old one. */
  newNick?: string;
  /** Who removed or changed the occupant, and why (XEP-0045 §8.2, §9.1: <actor/>, <reason/>). */
  actor?: string;
  reason?: string;
  /** The affiliation after the change when it differs from the entry's (outcast for a ban). */
  affiliation?: Affiliation;
}

/** Why an occupant left without asking: the status codes (307, 301, 321), who did it and why. */
export interface Removal {
  statuses: string[];
  actor?: string;
  reason?: string;
  affiliation?: Affiliation;
}

/** Presence from an occupant's room JID (XEP-0045 §7.2.3), with <item/> and the status codes. */
export function occupantPresence(roomJid: string, e: ViewEntry, to: string, o: PresenceOptions = {}): XmlElement {
  // An occupant that leaves has the role 'none' (XEP-0045 §7.14), one that only changes its nick
  // keeps its role (§7.6); the status text is kept either way.
  const payload = o.unavailable ? e.presence.filter((c) => c.name === 'status') : e.presence;
  return x('presence', { from: `${roomJid}/${e.nick}`, to, id: o.id, type: o.unavailable ? 'unavailable' : undefined },
    payload,
    x('x', { xmlns: NS_MUC_USER },
      x('item', { affiliation: o.affiliation ?? e.affiliation, role: o.unavailable && o.newNick === undefined ? 'none' : e.role, jid: e.jid, nick: o.newNick },
        o.actor !== undefined ? x('actor', { nick: o.actor }) : null,
        o.reason ? x('reason', {}, o.reason) : null),
      sortedStatuses(o.statuses ?? []).map((code) => x('status', { code }))),
    e.occupantId !== undefined ? occupantIdElement(e.occupantId) : null);
}

function sortedStatuses(codes: string[]): string[] {
  return [...new Set(codes)].sort();
}

/** XEP-0045 §7.2.14-style presence error: the <x/> of the request and the error `by` the room. */
export function presenceError(request: XmlElement, roomJid: string, condition: StanzaErrorCondition, text?: string): XmlElement {
  return x('presence', { from: request.attr('to'), to: request.attr('from'), id: request.attr('id'), type: 'error' },
    x('x', { xmlns: NS_MUC }),
    errorElement(STANZA_ERROR_DEFAULT_TYPES[condition], condition, text, roomJid));
}

/** Error reply to a message (RFC 6120 §8.3), `by` the room. */
export function messageError(request: XmlElement, roomJid: string, condition: StanzaErrorCondition, text?: string): XmlElement {
  return x('message', { from: request.attr('to'), to: request.attr('from'), id: request.attr('id'), type: 'error' },
    errorElement(STANZA_ERROR_DEFAULT_TYPES[condition], condition, text, roomJid));
}

/** XEP-0045 §7.2.1 (groupchat 1.0 join or desynchronized client): tell a non-occupant it is not in the room. */
export function notInRoomKick(request: XmlElement): XmlElement {
  return x('presence', { from: request.attr('to'), to: request.attr('from'), type: 'unavailable' },
    x('x', { xmlns: NS_MUC_USER },
      x('item', { affiliation: 'none', role: 'none' }, x('reason', {}, 'You are not in the room.')),
      [Status.SELF, Status.KICKED, Status.KICKED_TECHNICAL].map((code) => x('status', { code }))));
}

export interface RoomMessage {
  /** The sender's stanza id when it came from XMPP, else one the server made. */
  id: string;
  body: string;
  /** Children to carry as they are (the sender's unknown payload). */
  extra?: readonly XmlElement[];
  /** The event id, given to clients as the XEP-0359 stanza id assigned by the room. */
  eventId: string;
  /** Set for history: when the message was sent. */
  delayTs?: number;
  /** The sender's XEP-0421 occupant id. */
  occupantId?: string;
}

/** A groupchat message from an occupant JID (XEP-0045 §7.4, history per §7.2.15). */
export function groupchatMessage(roomJid: string, nick: string, to: string, m: RoomMessage): XmlElement {
  return x('message', { from: `${roomJid}/${nick}`, to, type: 'groupchat', id: m.id },
    x('body', {}, m.body),
    m.extra ?? [],
    m.occupantId !== undefined ? occupantIdElement(m.occupantId) : null,
    x('stanza-id', { xmlns: NS_SID, by: roomJid, id: m.eventId }),
    m.delayTs !== undefined ? delay(roomJid, m.delayTs) : null);
}

/** The subject (XEP-0045 §7.2.16): a message with <subject/> and no <body/>; empty when none is set. */
export function subjectMessage(roomJid: string, nick: string | null, to: string, subject: string, o: { id?: string; ts?: number } = {}): XmlElement {
  return x('message', { from: nick ? `${roomJid}/${nick}` : roomJid, to, type: 'groupchat', id: o.id },
    x('subject', {}, subject),
    o.ts !== undefined ? delay(roomJid, o.ts) : null);
}

/** XEP-0045 §10.2.1: a non-presence change of the room configuration (status 104). */
export function configChangedMessage(roomJid: string, to: string, id: string): XmlElement {
  return x('message', { from: roomJid, to, type: 'groupchat', id },
    x('x', { xmlns: NS_MUC_USER }, x('status', { code: Status.ROOM_CONFIG_CHANGED })));
}
