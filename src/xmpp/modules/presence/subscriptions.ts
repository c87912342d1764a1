// Presence subscriptions (RFC 6121 §3): the four subscription stanza types, handled as outbound
// when the user's own client sent them and as inbound for the account they are addressed to.
// The state transitions are the pure machine in im/subscription.ts; this file stores them,
// pushes roster changes, and delivers or answers the stanzas.
//
// Every contact is a local account today, so the "contact's server" half runs here too and the
// stanza never leaves the process. Subscription stanzas for other domains are not processed
// (no state change): the router answers them with <remote-server-not-found/> until federation.
import { Jid } from '../../jid.js';
import { autoApproves, inbound, isPreApproval, outbound, contactSeesUser, userSeesContact, type SubscriptionType } from '../../im/subscription.js';
import { x, type XmlElement } from '../../xml/element.js';
import type { ImContext } from './context.js';
import { deliverPresence, sendCurrentPresence, sendUnavailableFrom } from './deliver.js';

function subscriptionStanza(type: SubscriptionType, from: string, to: string, original?: XmlElement): XmlElement {
  // §3.1.2: the server stamps the user's bare JID; status and nick (XEP-0172) travel along.
  const keep = original?.elements().filter((c) => c.name !== 'priority' && c.name !== 'show') ?? [];
  return x('presence', { type, from, to, id: original?.attr('id') }, keep);
}

/**
 * Outbound (Appendix A.2): the user `userBare` sent `type` to `contact`. Returns false when the
 * contact is not on this server and the router must deal with the stanza.
 */
export function handleOutbound(im: ImContext, userBare: Jid, contact: Jid, type: SubscriptionType, original: XmlElement): boolean {
  const contactBare = contact.bare();
  if (contactBare.equals(userBare)) return true; // one's own presence needs no subscription
  if (contactBare.domain !== im.server.domain) return false;
  if (contactBare.local === '') return true; // the server itself has no presence to share
  const user = userBare.local;
  const jid = contactBare.toString();
  const before = im.roster.stateOf(user, jid);
  const after = outbound(before, type);
  if (after) im.roster.setState(user, jid, after, true);
  // §3.1.2 and §3.3.2: subscribe and unsubscribe always go to the contact (a resent request
  // repairs a lost one). §3.1.5 and §3.2.2: an approval or cancellation with no state change
  // is not routed; §3.4.1: nor is a pre-approval (the roster push tells the user's clients).
  const route = type === 'subscribe' || type === 'unsubscribe' || (after !== null && !isPreApproval(before, type));
  if (!route) return true;
  handleInbound(im, userBare, contactBare, type, subscriptionStanza(type, userBare.toString(), jid, original));
  // §3.1.5: after approving, the contact gets the user's current presence. (The 'unavailable'
  // that follows a cancellation, §3.2.2, is sent by the inbound half below.)
  if (type === 'subscribed' && after) sendCurrentPresence(im, userBare.toString(), contactBare);
  return true;
}

/** Inbound (Appendix A.3): `type` from `sender` arrived for the local account `to`. */
export function handleInbound(im: ImContext, sender: Jid, to: Jid, type: SubscriptionType, el: XmlElement): void {
  const userBare = to.bare();
  const senderBare = sender.bare();
  if (!im.isLocalUser(userBare)) {
    // No such account: a request is refused on its behalf, so the requester's roster does not
    // show a request pending forever (§8.5.1 leaves subscription presence to §3; Prosody does this).
    if (type === 'subscribe') reply(im, userBare, senderBare, 'unsubscribed');
    return;
  }
  const user = userBare.local;
  const jid = senderBare.toString();
  const before = im.roster.stateOf(user, jid);
  if (autoApproves(before, type)) {
    // §3.1.3: already subscribed; answer for the user and let the requester see them again.
    // §3.4.2: pre-approved; the subscription starts now (roster push), the user is not asked.
    const approved = inbound(before, type);
    if (approved) im.roster.setState(user, jid, approved, true);
    reply(im, userBare, senderBare, 'subscribed');
    sendCurrentPresence(im, userBare.toString(), senderBare);
    return;
  }
  const after = inbound(before, type);
  if (!after) return; // no state change: not delivered (Appendix A.3)
  im.roster.setState(user, jid, after, type !== 'subscribe');
  // §3.2.2: while the user still sees the contact, it is told the contact's resources are gone;
  // only then does the cancellation arrive.
  if (type === 'unsubscribed' && userSeesContact(before)) for (const s of im.tracker.available(jid)) {
    deliverPresence(im, x('presence', { type: 'unavailable', from: s.jid, to: userBare.toString() }), userBare);
  }
  deliverPresence(im, el.withAttrs({ from: jid, to: userBare.toString() }), userBare);
  // §3.3.3: the contact who unsubscribed no longer sees the user; tell them the user is gone.
  if (type === 'unsubscribe' && contactSeesUser(before)) sendUnavailableFrom(im, userBare.toString(), senderBare);
}

/** The server answers a subscription stanza on behalf of the account `from`. */
function reply(im: ImContext, from: Jid, to: Jid, type: SubscriptionType): void {
  const el = subscriptionStanza(type, from.toString(), to.toString());
  if (im.isLocalUser(to)) handleInbound(im, from, to, type, el);
  else im.server.route(el);
}

/**
 * §2.5.2: removing a roster item ends the subscriptions both ways: 'unsubscribe' when the user
 * was subscribed or asking, 'unsubscribed' when the contact was subscribed or asking.
 */
export function cancelBoth(im: ImContext, userBare: Jid, contact: Jid): void {
  const state = im.roster.stateOf(userBare.local, contact.toString());
  if (contact.domain !== im.server.domain || contact.local === '') return;
  if (state.subscription === 'to' || state.subscription === 'both' || state.pendingOut) {
    handleInbound(im, userBare, contact, 'unsubscribe', subscriptionStanza('unsubscribe', userBare.toString(), contact.toString()));
  }
  if (contactSeesUser(state) || state.pendingIn) {
    handleInbound(im, userBare, contact, 'unsubscribed', subscriptionStanza('unsubscribed', userBare.toString(), contact.toString()));
  }
}
