// Where a message for a local account goes: RFC 6121 §8.5.2 (to the bare JID) and §8.5.3 (to a
// full JID), as one pure decision over the account's sessions. The caller does the sending.
//
// Choices where the RFC leaves one:
//  - to a bare JID, 'chat' and 'normal' go to every available resource with non-negative
//    priority (§8.5.2.1.1 allows that or "the most available"; Prosody does this too), and so
//    do 'headline' messages;
//  - to a full JID that has no session, 'chat' and 'normal' are handled as if sent to the bare
//    JID (§8.5.3.2.1), while 'groupchat', 'headline' and 'error' are dropped silently (the RFC
//    allows ignoring them; a bounce would go to a room or a service that cannot use it).
import type { StanzaErrorCondition } from '../errors.js';

export type MessageType = 'chat' | 'normal' | 'groupchat' | 'headline' | 'error';

export interface SessionView {
  /** The session's resource. */
  resource: string;
  /** Has sent initial presence and not gone unavailable (an "available resource", RFC 6121 §1.3). */
  available: boolean;
  priority: number;
}

export type RouteDecision =
  /** Deliver to these resources. */
  | { kind: 'deliver'; resources: string[] }
  /** Nobody can take it now: a message worth keeping waits for the next login (offline). */
  | { kind: 'offline' }
  | { kind: 'drop' }
  | { kind: 'error'; condition: StanzaErrorCondition };

export function messageType(raw: string | undefined): MessageType {
  switch (raw) {
    case 'chat': case 'groupchat': case 'headline': case 'error': return raw;
    default: return 'normal'; // §5.2.2: absent or unknown types are handled as 'normal'
  }
}

/** Resources that take messages sent to the bare JID: available, priority >= 0 (§8.5.2.1.1). */
export function bareTargets(sessions: readonly SessionView[]): string[] {
  return sessions.filter((s) => s.available && s.priority >= 0).map((s) => s.resource);
}

/** §8.5.2: a message to localpart@domainpart of an existing account. */
export function routeToBare(type: MessageType, sessions: readonly SessionView[]): RouteDecision {
  if (type === 'error') return { kind: 'drop' };
  if (type === 'groupchat') return { kind: 'error', condition: 'service-unavailable' };
  const targets = bareTargets(sessions);
  if (targets.length > 0) return { kind: 'deliver', resources: targets };
  return type === 'headline' ? { kind: 'drop' } : { kind: 'offline' };
}

/** §8.5.3: a message to localpart@domainpart/resourcepart of an existing account. */
export function routeToFull(type: MessageType, resource: string, sessions: readonly SessionView[]): RouteDecision {
  // §8.5.3.1: a connected resource gets it, whatever its presence.
  if (sessions.some((s) => s.resource === resource)) return { kind: 'deliver', resources: [resource] };
  if (type === 'chat' || type === 'normal') return routeToBare(type, sessions);
  return { kind: 'drop' };
}

/** Either of the above, by the form of the address. */
export function routeMessage(type: MessageType, resource: string | null, sessions: readonly SessionView[]): RouteDecision {
  return resource ? routeToFull(type, resource, sessions) : routeToBare(type, sessions);
}
