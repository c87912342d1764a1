// The PepHost for this server: presence subscriptions from the roster, notifications to the
// owner's and contacts' resources that asked for the node, and the last items sent when a
// resource comes online (XEP-0163 §4.3.4).
import { Jid } from '../../jid.js';
import type { C2sSession } from '../../stream/types.js';
import type { XmlElement } from '../../xml/element.js';
import { contactSeesUser } from '../../im/subscription.js';
import type { ImContext } from '../presence/context.js';
import { accessModelOf, flag, type NodeConfig } from './node-config.js';
import { eventMessage, interestOf } from './notify.js';
import type { PepHost, PepService } from './service.js';

export function pepHost(im: ImContext): PepHost {
  const domain = im.server.domain;
  return {
    seesPresence: (owner, requester) => contactSeesUser(im.roster.stateOf(owner, requester)),
    notify(owner, node, config, event) {
      if (!flag(config, 'pubsub#deliver_notifications')) return;
      const ownerBare = `${owner}@${domain}`;
      for (const s of recipients(im, owner, config)) {
        if (interestOf(s)?.has(node)) s.send(eventMessage(ownerBare, s.jid, event));
      }
    },
  };
}

/** Sessions that may hear about the owner's node under its access model. */
function recipients(im: ImContext, owner: string, config: NodeConfig): C2sSession[] {
  // Only available resources: one that sent 'unavailable' (or never sent presence) hears nothing.
  const out = [...im.tracker.available(`${owner}@${im.server.domain}`)];
  if (accessModelOf(config) === 'whitelist') return out;
  for (const item of im.roster.allItems(owner)) {
    if (item.subscription !== 'from' && item.subscription !== 'both') continue;
    const jid = Jid.parse(item.jid);
    if (jid && im.isLocalUser(jid)) out.push(...im.tracker.available(jid.bareString()));
  }
  return out;
}

/** The last item of every node the session asked for: its own account's and its contacts'. */
export function sendLastItems(im: ImContext, pep: PepService, session: C2sSession): void {
  const owners = [session.username];
  for (const item of im.roster.allItems(session.username)) {
    if (item.subscription !== 'to' && item.subscription !== 'both') continue;
    const jid = Jid.parse(item.jid);
    if (jid && im.isLocalUser(jid)) owners.push(jid.local);
  }
  sendLastItemsOf(im, pep, session, owners);
}

/** The last items of some owners' nodes that the session asked for and may read. */
export function sendLastItemsOf(im: ImContext, pep: PepService, session: C2sSession, owners: string[]): void {
  const wanted = interestOf(session);
  if (!wanted || wanted.size === 0) return;
  for (const owner of owners) {
    for (const node of pep.nodes(owner)) {
      if (!wanted.has(node)) continue;
      const config = pep.config(owner, node)!;
      if (config['pubsub#send_last_published_item'] === 'never') continue;
      if (pep.checkAccess(owner, config, session.bareJid)) continue;
      const event: XmlElement | null = pep.lastItemEvent(owner, node);
      if (event) session.send(eventMessage(`${owner}@${im.server.domain}`, session.jid, event));
    }
  }
}
