// Presence delivery to local accounts (RFC 6121 §8.5.2.1.3, §8.5.3): to the bare JID, every
// available resource; to a full JID, that session if it is connected, else nothing (§8.5.3.2.2:
// presence for a resource that is not there is dropped).
import type { Jid } from '../../jid.js';
import { x, type XmlElement } from '../../xml/element.js';
import type { ImContext } from './context.js';
import { presenceOf } from './state.js';
import { matrixResourcePresence } from './matrix-resource.js';
import { MATRIX_RESOURCE } from '../../im/presence-map.js';

/** Delivers one presence stanza to a local account's resources as its 'to' says. */
export function deliverPresence(im: ImContext, el: XmlElement, to: Jid): void {
  if (!to.isBare()) {
    im.server.sessionFor(to.toString())?.send(el);
    return;
  }
  const wire = el.toString();
  for (const s of im.tracker.available(to.bareString())) s.send(wire);
}

/**
 * Sends `to` the current presence of each available resource of the local account `ofBare`
 * (answering a probe §4.3.2, or after an approval §3.1.5). With `unavailableIfNone`, an account
 * with no available resource is reported as unavailable from its bare JID (§4.3.2).
 */
export function sendCurrentPresence(im: ImContext, ofBare: string, to: Jid, unavailableIfNone = false): void {
  const sessions = im.tracker.available(ofBare);
  // The account's Matrix clients count as one more resource (matrix-resource.ts).
  const matrix = matrixResourcePresence(im, ofBare);
  if (matrix) deliverLocalOrRoute(im, matrix.withAttrs({ to: to.toString() }), to);
  if (sessions.length === 0 && !matrix && unavailableIfNone) {
    deliverLocalOrRoute(im, x('presence', { type: 'unavailable', from: ofBare, to: to.toString() }), to);
    return;
  }
  for (const s of sessions) {
    const last = presenceOf(s).last;
    if (last) deliverLocalOrRoute(im, last.withAttrs({ to: to.toString() }), to);
  }
}

/** Tells `to` that every available resource of `ofBare` is gone for it (after a subscription ends). */
export function sendUnavailableFrom(im: ImContext, ofBare: string, to: Jid): void {
  const from = im.tracker.available(ofBare).map((s) => s.jid);
  if (matrixResourcePresence(im, ofBare)) from.push(`${ofBare}/${MATRIX_RESOURCE}`);
  for (const jid of from) deliverLocalOrRoute(im, x('presence', { type: 'unavailable', from: jid, to: to.toString() }), to);
}

/** Local accounts get it directly; anything else goes through the router (MUC, later s2s). */
export function deliverLocalOrRoute(im: ImContext, el: XmlElement, to: Jid): void {
  if (im.isLocalUser(to)) deliverPresence(im, el, to);
  else im.server.route(el);
}
