// Where one-to-one messages meet XEP-0280 carbons (the rules are in ../xep-0280-carbons.ts).
// Messages with a body, reactions and retractions are room events, so their copies are made from
// the event (messages/dm-stanza.ts): a message a
// user sends from any client (an XMPP resource, or a Matrix client in the DM room) reaches the
// user's carbon-enabled XMPP resources as a 'sent' carbon, except the resource it came from.
// Body-less messages (chat states, receipts, markers) are copied as they are routed.
import type { RoomEventNotice } from '../../../core/bus.js';
import { readExtras } from '../../im/message-map.js';
import type { Jid } from '../../jid.js';
import type { StanzaContext } from '../../module.js';
import type { XmlElement } from '../../xml/element.js';
import type { ImContext } from '../presence/context.js';
import { carbonTargets, sendCarbons } from '../xep-0280-carbons.js';
import { jidOfMember } from './dm-events.js';
import { dmStanza, isDmItem } from './dm-stanza.js';

/** A DM message, reaction or retraction written by a local account: 'sent' carbons to its other XMPP resources. */
export function sentCarbonsForEvent(im: ImContext, n: RoomEventNotice): void {
  if (!isDmItem(im.core, n)) return;
  const local = im.core.accounts.localpartOf(n.pdu.sender);
  const pair = local ? im.core.directs.pairOf(n.roomId) : null;
  if (!local || !pair) return;
  const other = pair[0] === n.pdu.sender ? pair[1] : pair[0];
  if (other === n.pdu.sender) return;
  const bare = `${local}@${im.server.domain}`;
  const extras = readExtras(n.pdu.content);
  // Most messages have no other resource to copy to: the stanza is built only when one wants it.
  const skip = extras.from_resource ? [extras.from_resource] : [];
  if (carbonTargets(im.server, bare, skip).length === 0) return;
  const to = jidOfMember(im, other);
  const toFull = to && extras.to_resource ? `${to}/${extras.to_resource}` : to;
  const original = toFull ? dmStanza(im, n, bare, toFull, 'live') : null;
  if (original) sendCarbons(im.server, 'sent', bare, original, skip);
}

/** A DM message delivered to some resources of its recipient: 'received' carbons to the others. */
export function receivedCarbons(im: ImContext, recipientBare: string, delivered: XmlElement, resources: string[]): void {
  if (resources.length > 0) sendCarbons(im.server, 'received', recipientBare, delivered, resources);
}

/** A body-less message routed straight to a local account: copies for both accounts' other resources. */
export function directCarbons(im: ImContext, ctx: StanzaContext, to: Jid, delivered: string[]): void {
  if (to.bare().equals(ctx.from.bare())) return;
  receivedCarbons(im, to.bareString(), ctx.stanza, delivered);
  if (ctx.session) sendCarbons(im.server, 'sent', ctx.from.bareString(), ctx.stanza, [ctx.session.resource]);
}
