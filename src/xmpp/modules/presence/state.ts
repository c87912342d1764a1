// Per-session presence, kept in the session's own data map (RFC 6121 §1.3 vocabulary):
//  - a "connected resource" is any bound session;
//  - an "available resource" has sent initial presence and not gone unavailable since;
//  - an "interested resource" has asked for the roster, and gets roster pushes.
// The account is "online for messages" while one of its sessions would take a message sent to
// the bare JID (available, priority >= 0): the offline module watches that edge.
import type { ModuleApi } from '../../module.js';
import type { C2sSession } from '../../stream/types.js';
import type { XmlElement } from '../../xml/element.js';
import { bareTargets, type SessionView } from '../../im/routing.js';

const KEY = 'rfc6121.presence';
const INTERESTED = 'rfc6121.interested';

export interface SessionPresence {
  available: boolean;
  priority: number;
  /** The last available presence broadcast, `from` the full JID (answers probes). */
  last: XmlElement | null;
  /** Entities that got directed available presence (§4.6) and must hear 'unavailable' later. */
  directed: Set<string>;
}

export function presenceOf(session: C2sSession): SessionPresence {
  let p = session.data.get(KEY) as SessionPresence | undefined;
  if (!p) session.data.set(KEY, (p = { available: false, priority: 0, last: null, directed: new Set() }));
  return p;
}

export function markInterested(session: C2sSession): void {
  session.data.set(INTERESTED, true);
}

export function isInterested(session: C2sSession): boolean {
  return session.data.get(INTERESTED) === true;
}

/** RFC 6121 §4.7.2.3: an integer from -128 to 127; absent or unreadable means 0. */
export function parsePriority(stanza: XmlElement): number {
  const text = stanza.getChildText('priority', stanza.xmlns)?.trim();
  if (text === undefined || !/^[+-]?\d{1,3}$/.test(text)) return 0;
  const n = Number(text);
  return n < -128 || n > 127 ? 0 : n;
}

export type OnlineListener = (session: C2sSession) => void;
export type OfflineListener = (bareJid: string) => void;

/** Who is available, and the online-for-messages edge of each account. */
export class PresenceTracker {
  private readonly onlineFns: OnlineListener[] = [];
  private readonly offlineFns: OfflineListener[] = [];

  constructor(private readonly server: ModuleApi) {}

  views(bareJid: string): SessionView[] {
    return this.server.sessionsOf(bareJid).map((s) => ({ resource: s.resource, ...pick(presenceOf(s)) }));
  }

  available(bareJid: string): C2sSession[] {
    return this.server.sessionsOf(bareJid).filter((s) => presenceOf(s).available);
  }

  interested(bareJid: string): C2sSession[] {
    return this.server.sessionsOf(bareJid).filter(isInterested);
  }

  onlineForMessages(bareJid: string): boolean {
    return bareTargets(this.views(bareJid)).length > 0;
  }

  /** Called when the account gains its first session that takes bare-JID messages. */
  onOnline(fn: OnlineListener): void { this.onlineFns.push(fn); }
  /** Called when the account's last such session goes (unavailable, negative priority or closed). */
  onOffline(fn: OfflineListener): void { this.offlineFns.push(fn); }

  /** Reports the edge, if any, between `wasOnline` (measured before a change) and now. */
  settle(bareJid: string, wasOnline: boolean, session: C2sSession): void {
    const now = this.onlineForMessages(bareJid);
    if (!wasOnline && now) for (const fn of this.onlineFns) fn(session);
    if (wasOnline && !now) for (const fn of this.offlineFns) fn(bareJid);
  }
}

function pick(p: SessionPresence): { available: boolean; priority: number } {
  return { available: p.available, priority: p.priority };
}
