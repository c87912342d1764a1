// The room roster an XMPP occupant sees, computed from two sources: the XMPP sessions that
// entered the room (in memory) and the accounts joined to the Matrix room. An account with at
// least one XMPP session in the room appears under that session's nick; any other joined member
// appears under its Matrix display name (else its localpart). The last view sent is kept, and
// every change is announced as the difference between two views, so occupants never see a
// roster that disagrees with the room's state.
import { prepResource } from '../../jid.js';
import type { XmlElement } from '../../xml/element.js';
import type { Affiliation, Role } from './affiliation.js';

/** One XMPP session in a room. */
export interface Occupant {
  fullJid: string;
  mxid: string;
  nick: string;
  /** The session's own presence payload (show, status, caps...), repeated to the others. */
  presence: readonly XmlElement[];
}

export interface MemberInfo {
  mxid: string;
  displayname: string | null;
}

export interface ViewEntry {
  nick: string;
  mxid: string;
  /** Real JID for <item jid=...> (the room is non-anonymous): the session's full JID, else the account's JID. */
  jid: string;
  affiliation: Affiliation;
  role: Role;
  presence: readonly XmlElement[];
  /** Full JIDs of the XMPP sessions behind this nick (empty for a member seen only through Matrix). */
  sessions: string[];
  /** XEP-0421 occupant id. */
  occupantId?: string;
}

export type View = ReadonlyMap<string, ViewEntry>;

export interface ViewInput {
  occupants: Iterable<Occupant>;
  /** Joined Matrix members. */
  members: readonly MemberInfo[];
  /** Members left out for now: their Matrix membership is changing on behalf of an XMPP session. */
  hidden: ReadonlySet<string>;
  standing(mxid: string): { affiliation: Affiliation; role: Role };
  /** The XMPP address of a Matrix user (alice@D, a puppet's own JID, or the gateway JID). */
  jidOf(mxid: string): string;
  /** The XEP-0421 occupant id of a user in this room. */
  occupantId?(mxid: string): string;
}

function localpartOf(mxid: string): string {
  const colon = mxid.indexOf(':');
  return colon > 1 ? mxid.slice(1, colon) : mxid.slice(1);
}

/** The nick a Matrix member would like: its display name when it is a valid nick, else its localpart. */
export function preferredNick(m: MemberInfo): string {
  const name = m.displayname?.trim();
  const prepped = name ? prepResource(name) : null;
  return prepped ?? prepResource(localpartOf(m.mxid)) ?? m.mxid;
}

/** A free nick for a Matrix member: its preferred one, else disambiguated by its user id (as Matrix clients do). */
export function freeNick(preferred: string, mxid: string, taken: (nick: string) => boolean): string {
  if (!taken(preferred)) return preferred;
  const withId = prepResource(`${preferred} (${mxid})`);
  if (withId !== null && !taken(withId)) return withId;
  return mxid;
}

export function computeView(input: ViewInput): Map<string, ViewEntry> {
  const view = new Map<string, ViewEntry>();
  const inXmpp = new Set<string>();
  for (const o of input.occupants) {
    inXmpp.add(o.mxid);
    const existing = view.get(o.nick);
    // Several sessions of one account may share a nick (XEP-0045 §7.2.9); they are one occupant.
    if (existing) {
      existing.sessions.push(o.fullJid);
      continue;
    }
    view.set(o.nick, { nick: o.nick, mxid: o.mxid, jid: o.fullJid, ...input.standing(o.mxid), presence: o.presence, sessions: [o.fullJid], occupantId: input.occupantId?.(o.mxid) });
  }
  const members = [...input.members].sort((a, b) => (a.mxid < b.mxid ? -1 : a.mxid > b.mxid ? 1 : 0));
  for (const m of members) {
    if (inXmpp.has(m.mxid) || input.hidden.has(m.mxid)) continue;
    const nick = freeNick(preferredNick(m), m.mxid, (n) => view.has(n));
    view.set(nick, { nick, mxid: m.mxid, jid: input.jidOf(m.mxid), ...input.standing(m.mxid), presence: [], sessions: [], occupantId: input.occupantId?.(m.mxid) });
  }
  return view;
}

/** Whether `nick` is held by another account (XEP-0045 §7.2.9: the same account may share it). */
export function nickConflict(view: View, nick: string, mxid: string): boolean {
  const holder = view.get(nick);
  return holder !== undefined && holder.mxid !== mxid;
}

/** The nick under which an account speaks in the room (its first XMPP nick, else its Matrix one). */
export function nickOfMember(view: View, mxid: string): string | null {
  let matrixOnly: string | null = null;
  for (const e of view.values()) {
    if (e.mxid !== mxid) continue;
    if (e.sessions.length > 0) return e.nick;
    matrixOnly ??= e.nick;
  }
  return matrixOnly;
}

function signature(e: ViewEntry): string {
  return [e.mxid, e.jid, e.affiliation, e.role, ...e.presence.map(String)].join('\n');
}

/** What changed between two views: occupants that are gone, and ones that are new or changed. */
export function diffViews(before: View, after: View): { gone: ViewEntry[]; changed: ViewEntry[] } {
  const gone: ViewEntry[] = [];
  const changed: ViewEntry[] = [];
  for (const [nick, old] of before) {
    const now = after.get(nick);
    if (!now || now.mxid !== old.mxid) gone.push(old);
  }
  for (const [nick, now] of after) {
    const old = before.get(nick);
    if (!old || old.mxid !== now.mxid || signature(old) !== signature(now)) changed.push(now);
  }
  return { gone, changed };
}
