// Presence a client sends about itself (RFC 6121 §4): initial presence, updates, unavailable,
// directed presence, and the 'unavailable' the server sends for a session that vanished.
import { Jid } from '../../jid.js';
import type { RosterItem } from '../../../core/ports.js';
import type { C2sSession } from '../../stream/types.js';
import { x, type XmlElement } from '../../xml/element.js';
import type { ImContext } from './context.js';
import { deliverLocalOrRoute, deliverPresence, sendCurrentPresence } from './deliver.js';
import { parsePriority, presenceOf } from './state.js';
import { reportXmppPresence } from './matrix-resource.js';

/** Presence with no 'to' from a client: available (initial or update) or unavailable. */
export function handleBroadcast(im: ImContext, session: C2sSession, el: XmlElement): void {
  const me = Jid.parse(session.bareJid)!;
  const state = presenceOf(session);
  const wasOnline = im.tracker.onlineForMessages(session.bareJid);
  const stamped = el.withAttrs({ from: session.jid, to: undefined });
  if (el.attr('type') === 'unavailable') {
    const wasAvailable = state.available;
    state.available = false;
    state.last = null;
    if (wasAvailable) broadcast(im, me, stamped, session);
    sendDirectedUnavailable(im, session, stamped);
  } else {
    const initial = !state.available;
    state.available = true;
    state.priority = parsePriority(el);
    state.last = stamped;
    broadcast(im, me, stamped, session);
    if (initial) afterInitialPresence(im, me, session);
  }
  im.tracker.settle(session.bareJid, wasOnline, session);
  reportXmppPresence(im, session.bareJid, me.local);
}

/** The session ended without saying 'unavailable' (or after it): §4.5.2 says the server says it. */
export function handleSessionGone(im: ImContext, session: C2sSession): void {
  const state = presenceOf(session);
  const me = Jid.parse(session.bareJid)!;
  const wasOnline = (state.available && state.priority >= 0) || im.tracker.onlineForMessages(session.bareJid);
  const unavailable = x('presence', { type: 'unavailable', from: session.jid });
  if (state.available) broadcast(im, me, unavailable, session);
  sendDirectedUnavailable(im, session, unavailable);
  const wasAvailable = state.available;
  state.available = false;
  state.last = null;
  im.tracker.settle(session.bareJid, wasOnline, session);
  if (wasAvailable) reportXmppPresence(im, session.bareJid, me.local);
}

/**
 * §4.2.2 / §4.4.2 / §4.5.2: to every contact subscribed to the user (from/both), and to the
 * user's own available resources, the sender included. Contacts on other domains are skipped
 * until federation (no remote subscription can be made yet).
 */
function broadcast(im: ImContext, me: Jid, stamped: XmlElement, origin: C2sSession): void {
  const state = presenceOf(origin);
  broadcastToContacts(im, me, stamped, (contact) => state.directed.delete(contact)); // covered by the broadcast
}

/** The broadcast proper, for a session's presence or the Matrix resource's; `reached` hears each contact. */
export function broadcastToContacts(im: ImContext, me: Jid, stamped: XmlElement, reached?: (contact: string) => void): void {
  for (const item of im.roster.allItems(me.local)) {
    const contact = Jid.parse(item.jid);
    if (!contact || !contact.isBare() || !sees(item, 'from')) continue;
    if (contact.domain !== im.server.domain) continue;
    reached?.(contact.toString());
    deliverPresence(im, stamped.withAttrs({ to: contact.toString() }), contact);
  }
  const self = stamped.withAttrs({ to: me.toString() }).toString();
  for (const s of im.tracker.available(me.toString())) s.send(self);
}

/** §4.2.2-§4.2.4 after initial presence: probes of the contacts the user sees, pending requests. */
function afterInitialPresence(im: ImContext, me: Jid, session: C2sSession): void {
  const full = Jid.parse(session.jid)!;
  for (const item of im.roster.allItems(me.local)) {
    const contact = Jid.parse(item.jid);
    if (!contact || !contact.isBare()) continue;
    // §4.3: the probe is answered here, as the contact's server would; only this new session
    // needs the answer, the others already have the contacts' presence.
    if (sees(item, 'to') && im.isLocalUser(contact)) {
      sendCurrentPresence(im, contact.toString(), full, true);
    }
    // §3.1.3: a request not yet answered is delivered again at each login.
    if (item.pendingIn && !sees(item, 'from')) {
      session.send(x('presence', { type: 'subscribe', from: contact.toString(), to: me.toString() }));
    }
  }
}

/** 'from': the contact receives the user's presence; 'to': the user receives the contact's. */
function sees(item: RosterItem, half: 'from' | 'to'): boolean {
  return item.subscription === half || item.subscription === 'both';
}

/** Directed presence (§4.6) from a client: delivered, and remembered for the final 'unavailable'. */
export function handleDirected(im: ImContext, session: C2sSession, el: XmlElement, to: Jid): boolean {
  const state = presenceOf(session);
  const type = el.attr('type');
  // The MUC service follows its occupants' sessions itself (it sees their end and their broadcast
  // 'unavailable'), so room presence is not tracked here: a second 'unavailable' would read as an
  // explicit exit.
  const tracked = to.domain !== im.core.config.mucDomain;
  if (type === undefined && tracked) state.directed.add(to.toString());
  else if (type === 'unavailable') state.directed.delete(to.toString());
  if (to.domain !== im.server.domain) return false; // a service (MUC) or another server: the router's job
  if (to.local === '') return true; // presence to the server itself means nothing here
  if (im.isLocalUser(to)) deliverPresence(im, el, to);
  return true;
}

function sendDirectedUnavailable(im: ImContext, session: C2sSession, unavailable: XmlElement): void {
  const state = presenceOf(session);
  for (const target of state.directed) {
    const to = Jid.parse(target);
    if (to) deliverLocalOrRoute(im, unavailable.withAttrs({ to: target, from: session.jid }), to);
  }
  state.directed.clear();
}
