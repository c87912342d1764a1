// RFC 6121 §3 and §4: presence subscriptions and presence, as one presence hook.
//
// A presence stanza from a client session is *outbound*: broadcast (no 'to'), directed, a
// subscription stanza, or a probe. A presence stanza without a session is *inbound* for the
// local account in 'to' (other modules such as MUC route those). Presence for other domains is
// left to the router: the MUC service's component handler, or for now <remote-server-not-found/>
// for remote servers (federation is a later issue).
import { Jid } from '../jid.js';
import type { XmppModule } from '../module.js';
import { contactSeesUser, isSubscriptionType } from '../im/subscription.js';
import type { ImContext } from './presence/context.js';
import { broadcastToContacts, handleBroadcast, handleDirected, handleSessionGone } from './presence/broadcast.js';
import { matrixResourceStanza, MATRIX_RESOURCE } from '../im/presence-map.js';
import { deliverPresence, sendCurrentPresence } from './presence/deliver.js';
import { handleInbound, handleOutbound } from './presence/subscriptions.js';
import type { C2sSession } from '../stream/types.js';
import { x, type XmlElement } from '../xml/element.js';

export function presenceModule(im: ImContext): XmppModule {
  return {
    name: 'rfc6121-presence',
    load(server) {
      server.presence((ctx) => (ctx.session ? outbound(im, ctx.session, ctx.stanza, ctx.to) : inboundPresence(im, ctx.stanza, ctx.from, ctx.to)));
      server.onSessionClosed((session) => handleSessionGone(im, session));
      // The account's Matrix clients, as the resource '<account>/matrix' (presence/matrix-resource.ts).
      im.onClose(im.core.presence.onSourceChange((userId, source, state) => {
        const local = source === 'matrix' ? im.core.accounts.localpartOf(userId) : null;
        if (!local) return;
        const me = Jid.of(local, server.domain)!;
        broadcastToContacts(im, me, matrixResourceStanza(`${me.toString()}/${MATRIX_RESOURCE}`, state));
      }));
      // RFC 6121 §3.4: subscription pre-approvals are supported (presence/subscriptions.ts).
      server.streamFeature(() => x('sub', { xmlns: 'urn:xmpp:features:pre-approval' }));
    },
  };
}

function outbound(im: ImContext, session: C2sSession, el: XmlElement, to: Jid | null): boolean {
  const type = el.attr('type');
  const me = Jid.parse(session.bareJid)!;
  if (isSubscriptionType(type)) return to ? handleOutbound(im, me, to, type, el) : true;
  if (type === 'probe') {
    // §4.3.1: clients should not probe, but a probe of a contact the user sees is harmless.
    if (to && im.isLocalUser(to) && contactSeesUser(im.roster.stateOf(to.local, me.toString()))) sendCurrentPresence(im, to.bareString(), Jid.parse(session.jid)!, true);
    return to === null || to.domain === im.server.domain;
  }
  if (to === null) {
    if (type === undefined || type === 'unavailable') handleBroadcast(im, session, el);
    return true;
  }
  return handleDirected(im, session, el, to);
}

function inboundPresence(im: ImContext, el: XmlElement, from: Jid, to: Jid | null): boolean {
  if (!to || to.domain !== im.server.domain) return false;
  if (to.local === '') return true;
  const type = el.attr('type');
  if (isSubscriptionType(type)) {
    handleInbound(im, from, to, type, el);
    return true;
  }
  if (type === 'probe') {
    if (im.isLocalUser(to) && contactSeesUser(im.roster.stateOf(to.local, from.bareString()))) sendCurrentPresence(im, to.bareString(), from, true);
    return true;
  }
  if (im.isLocalUser(to)) deliverPresence(im, el, to);
  return true;
}
