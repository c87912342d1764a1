// XMPP presence against the core's presence states (Matrix m.presence). Pure; the module half is
// modules/presence/matrix-resource.ts. See docs/bridge-mapping.md, "Presence".
//
// Matrix has three states, XMPP an availability and a <show/>: online is available with no
// <show/> (or 'chat'), unavailable ("idle" in Matrix clients) is 'away', 'xa' or 'dnd', offline
// is no available resource at all.
import type { PresenceState, SourceState } from '../../core/ephemeral/presence.js';
import { x, type XmlElement } from '../xml/element.js';

/** The resource under which XMPP contacts see the account's Matrix clients. */
export const MATRIX_RESOURCE = 'matrix';

export interface ResourcePresence { show: string | undefined; status: string | undefined; priority: number }

/** The account's available resources summed up as one Matrix state: the best resource wins, then the highest priority. */
export function summarize(resources: readonly ResourcePresence[]): { presence: PresenceState; statusMsg: string | null } {
  let best: { state: PresenceState; r: ResourcePresence } | null = null;
  for (const r of resources) {
    const state: PresenceState = r.show === undefined || r.show === 'chat' ? 'online' : 'unavailable';
    if (!best || (state === 'online' && best.state !== 'online') || (state === best.state && r.priority > best.r.priority)) best = { state, r };
  }
  if (!best) return { presence: 'offline', statusMsg: null };
  const status = best.r.status?.trim();
  return { presence: best.state, statusMsg: status ? status : null };
}

/** What a client's presence stanza says (RFC 6121 §4.7.2: <show/>, <status/>, <priority/>). */
export function readResourcePresence(stanza: XmlElement, priority: number): ResourcePresence {
  const show = stanza.getChildText('show')?.trim();
  return { show: show === 'away' || show === 'xa' || show === 'dnd' || show === 'chat' ? show : undefined, status: stanza.getChildText('status'), priority };
}

/** The presence of the Matrix resource for one Matrix state; `to` added by the caller. */
export function matrixResourceStanza(from: string, state: SourceState): XmlElement {
  if (state.presence === 'offline') return x('presence', { from, type: 'unavailable' }, state.statusMsg ? x('status', {}, state.statusMsg) : null);
  return x('presence', { from },
    state.presence === 'unavailable' ? x('show', {}, 'away') : null,
    state.statusMsg ? x('status', {}, state.statusMsg) : null);
}
