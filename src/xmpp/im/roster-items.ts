// Roster items on the wire (RFC 6121 §2.1.2) and the checks on a roster set (§2.3.3, §2.5.3).
// Pure: the module that stores items and sends pushes is modules/rfc6121-roster.ts.
import type { RosterItem } from '../../core/ports.js';
import type { StanzaErrorCondition } from '../errors.js';
import { Jid } from '../jid.js';
import { x, type XmlElement } from '../xml/element.js';

export const NS_ROSTER = 'jabber:iq:roster';
/** Limits a server may set on names and groups (§2.3.3 leaves the numbers to the server). */
export const MAX_NAME_CHARS = 1024;
export const MAX_GROUP_CHARS = 1024;

export type RosterSet =
  | { kind: 'update'; jid: string; name: string | null; groups: string[] }
  | { kind: 'remove'; jid: string };

export type RosterSetCheck = { ok: RosterSet } | { error: StanzaErrorCondition; text: string };

/**
 * Reads a roster set's <query/>. `own` is the user's bare JID: a user cannot put themself on
 * their roster (Prosody answers not-allowed too; presence to oneself needs no subscription).
 * The 'subscription' attribute is ignored unless it is 'remove', and 'ask' always (§2.1.2.2,
 * §2.1.2.5: the server alone sets them).
 */
export function parseRosterSet(query: XmlElement, own: string): RosterSetCheck {
  const items = query.elements();
  if (items.length !== 1 || items[0]!.name !== 'item' || query.nsOf(items[0]!) !== NS_ROSTER) {
    return { error: 'bad-request', text: 'a roster set holds exactly one <item/>' };
  }
  const item = items[0]!;
  const raw = item.attr('jid');
  if (raw === undefined) return { error: 'bad-request', text: "the <item/> needs a 'jid'" };
  const jid = Jid.parse(raw);
  if (!jid) return { error: 'jid-malformed', text: `'${raw}' is not a valid JID` };
  if (jid.bareString() === own) return { error: 'not-allowed', text: 'you cannot add yourself to your roster' };
  if (item.attr('subscription') === 'remove') return { ok: { kind: 'remove', jid: jid.toString() } };

  const name = item.attr('name') || null;
  if (name !== null && name.length > MAX_NAME_CHARS) return { error: 'not-acceptable', text: `names are limited to ${MAX_NAME_CHARS} characters` };
  const groups: string[] = [];
  // Namespaces are inherited: a <group/> is in the item's namespace unless it says otherwise.
  const itemNs = query.nsOf(item);
  for (const g of item.elements().filter((c) => c.name === 'group' && (c.xmlns || itemNs) === NS_ROSTER)) {
    const text = g.text();
    if (text.length === 0) return { error: 'not-acceptable', text: 'a <group/> must not be empty' };
    if (text.length > MAX_GROUP_CHARS) return { error: 'not-acceptable', text: `groups are limited to ${MAX_GROUP_CHARS} characters` };
    if (groups.includes(text)) return { error: 'bad-request', text: `group '${text}' is listed twice` };
    groups.push(text);
  }
  return { ok: { kind: 'update', jid: jid.toString(), name, groups } };
}

/**
 * One <item/> as the client sees it: pending-in is the server's secret (§3.1.3); approved='true'
 * marks a pre-approval (§2.1.2.1, §3.4), meaningful only while the contact is not subscribed.
 */
export function itemElement(item: RosterItem): XmlElement {
  return x('item', {
    jid: item.jid,
    name: item.name ?? undefined,
    subscription: item.subscription,
    ask: item.ask && item.subscription !== 'to' && item.subscription !== 'both' ? 'subscribe' : undefined,
    approved: item.approved && (item.subscription === 'none' || item.subscription === 'to') ? 'true' : undefined,
  }, item.groups.map((g) => x('group', null, g)));
}

export function removedItemElement(jid: string): XmlElement {
  return x('item', { jid, subscription: 'remove' });
}

/** The roster result's <query/>; `ver` only when the client takes part in versioning (§2.6). */
export function rosterQuery(items: RosterItem[], ver?: string): XmlElement {
  return x('query', { xmlns: NS_ROSTER, ver }, items.map(itemElement));
}

/** A roster push (§2.1.6) of one item, to one interested resource. No 'from': it is the user's own account. */
export function rosterPush(toFullJid: string, id: string, item: XmlElement, ver?: string): XmlElement {
  return x('iq', { type: 'set', id, to: toFullJid }, x('query', { xmlns: NS_ROSTER, ver }, item));
}
