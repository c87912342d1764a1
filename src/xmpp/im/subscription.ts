// The presence subscription state machine of RFC 6121 §3 and Appendix A, as pure functions.
//
// A roster item's subscription is one of nine states (Appendix A.1): None, To, From, Both, and
// the pending sub-states None + Pending Out, None + Pending In, None + Pending Out + In,
// To + Pending In, From + Pending Out. "Pending Out" is the `ask='subscribe'` flag of the roster
// item; "Pending In" is an inbound request not yet answered, which the server keeps (RosterItem
// .pendingIn) to deliver again at the next login (§3.1.3) but never shows in the roster.
//
// The four subscription stanza types move the state differently depending on whether the server
// handles them as *outbound* (the user's own client sent them: Appendix A.2) or *inbound* (they
// arrived for the user from the contact: Appendix A.3). The rules are written as logic below and
// checked against the RFC's tables, row by row, in subscription.test.ts.
//
// Pre-approval (§3.4, advertised by the urn:xmpp:features:pre-approval stream feature): an
// outbound 'subscribed' with no request pending, in the rows where Appendix A.2.2 changes nothing
// (None, None + Pending Out, To), records approved='true'; a later inbound 'subscribe' is then
// approved by the server on the user's behalf, and an outbound 'unsubscribed' withdraws it.

export type Subscription = 'none' | 'to' | 'from' | 'both';
export type SubscriptionType = 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed';

export interface SubState {
  subscription: Subscription;
  /** Pending Out: the user asked the contact for a subscription (ask='subscribe'). */
  pendingOut: boolean;
  /** Pending In: the contact asked the user and got no answer yet. */
  pendingIn: boolean;
  /** §3.4: the user approved the contact's subscription before it was asked for (approved='true'). */
  preApproved?: boolean;
}

export const SUBSCRIPTION_TYPES: readonly SubscriptionType[] = ['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed'];

export function isSubscriptionType(t: string | undefined): t is SubscriptionType {
  return (SUBSCRIPTION_TYPES as readonly (string | undefined)[]).includes(t);
}

export const NO_SUBSCRIPTION: SubState = { subscription: 'none', pendingOut: false, pendingIn: false };

/** Whether the contact receives the user's presence (subscription 'from' or 'both'). */
export function contactSeesUser(s: SubState): boolean {
  return s.subscription === 'from' || s.subscription === 'both';
}

/** Whether the user receives the contact's presence ('to' or 'both'). */
export function userSeesContact(s: SubState): boolean {
  return s.subscription === 'to' || s.subscription === 'both';
}

/**
 * Drops flags that cannot coexist with the subscription (Appendix A.1 has no "To + Pending Out"
 * or "From + Pending In"): a stored item is read through this so the machine only sees its nine states.
 */
export function normalize(s: SubState): SubState {
  return {
    subscription: s.subscription,
    pendingOut: s.pendingOut && !userSeesContact(s),
    pendingIn: s.pendingIn && !contactSeesUser(s),
    // A pre-approval only means something while the contact is not subscribed yet (§2.1.2.1).
    preApproved: !!s.preApproved && !contactSeesUser(s),
  };
}

export function sameState(a: SubState, b: SubState): boolean {
  return a.subscription === b.subscription && a.pendingOut === b.pendingOut && a.pendingIn === b.pendingIn
    && !!a.preApproved === !!b.preApproved;
}

/** Adds or removes the user's subscription to the contact ('to' half). */
function withTo(s: SubState, on: boolean): Subscription {
  const from = contactSeesUser(s);
  if (on) return from ? 'both' : 'to';
  return from ? 'from' : 'none';
}

/** Adds or removes the contact's subscription to the user ('from' half). */
function withFrom(s: SubState, on: boolean): Subscription {
  const to = userSeesContact(s);
  if (on) return to ? 'both' : 'from';
  return to ? 'to' : 'none';
}

/** Ends the user's subscription to the contact, or its pending request (the "to" side). */
function dropTo(s: SubState): SubState {
  return { subscription: withTo(s, false), pendingOut: false, pendingIn: s.pendingIn, preApproved: s.preApproved };
}

/** Ends the contact's subscription to the user, or denies its pending request (the "from" side). */
function dropFrom(s: SubState): SubState {
  return { subscription: withFrom(s, false), pendingOut: s.pendingOut, pendingIn: false, preApproved: false };
}

/** The contact's subscription is approved: the 'from' half on, the request and any pre-approval done with. */
function approveFrom(s: SubState): SubState {
  return { subscription: withFrom(s, true), pendingOut: s.pendingOut, pendingIn: false, preApproved: false };
}

/**
 * Appendix A.2: the user's client sent this subscription stanza to the contact. Returns the new
 * state of the user's roster item for the contact, or null for "no state change".
 */
export function outbound(current: SubState, type: SubscriptionType): SubState | null {
  const s = normalize(current);
  let next: SubState;
  switch (type) {
    case 'subscribe': // A.2.1: ask, unless already subscribed or already asking
      next = userSeesContact(s) ? s : { ...s, pendingOut: true };
      break;
    case 'subscribed': // A.2.2: approves a pending request; with none, a pre-approval (§3.4)
      next = s.pendingIn ? approveFrom(s) : contactSeesUser(s) ? s : { ...s, preApproved: true };
      break;
    case 'unsubscribe': // A.2.3
      next = dropTo(s);
      break;
    case 'unsubscribed': // A.2.4
      next = dropFrom(s);
      break;
  }
  return sameState(s, next) ? null : next;
}

/**
 * Appendix A.3: this subscription stanza arrived for the user from the contact. Returns the new
 * state of the user's roster item for the contact, or null for "no state change" (the stanza
 * is then not delivered to the user's clients).
 */
export function inbound(current: SubState, type: SubscriptionType): SubState | null {
  const s = normalize(current);
  let next: SubState;
  switch (type) {
    case 'subscribe': // A.3.1: remember the request unless the contact is already subscribed or pre-approved (§3.4)
      next = contactSeesUser(s) ? s : s.preApproved ? approveFrom(s) : { ...s, pendingIn: true };
      break;
    case 'subscribed': // A.3.2: only an approval the user asked for counts
      next = s.pendingOut ? { subscription: withTo(s, true), pendingOut: false, pendingIn: s.pendingIn, preApproved: s.preApproved } : s;
      break;
    case 'unsubscribe': // A.3.3: the contact stops receiving the user's presence
      next = dropFrom(s);
      break;
    case 'unsubscribed': // A.3.4: the user stops receiving the contact's presence
      next = dropTo(s);
      break;
  }
  return sameState(s, next) ? null : next;
}

/**
 * §3.1.3: an inbound 'subscribe' from a contact who is already subscribed ('from' or 'both') is
 * answered by the server on the user's behalf with 'subscribed'; §3.4.2: so is one the user
 * pre-approved (the state then moves as `inbound` says).
 */
export function autoApproves(current: SubState, type: SubscriptionType): boolean {
  const s = normalize(current);
  return type === 'subscribe' && (contactSeesUser(s) || !!s.preApproved);
}

/** §3.4.1: an outbound 'subscribed' that only pre-approves; it is noted, never sent to the contact. */
export function isPreApproval(current: SubState, type: SubscriptionType): boolean {
  const s = normalize(current);
  return type === 'subscribed' && !s.pendingIn && !contactSeesUser(s);
}
