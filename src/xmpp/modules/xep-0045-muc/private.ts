// Private messages between occupants (XEP-0045 §7.5): a message to an occupant JID is passed to
// that occupant's XMPP sessions from the sender's occupant JID, with <x xmlns='muc#user'/> added
// (for carbons and clients that tell private messages apart), and copied as a XEP-0280 carbon to
// the sender's other sessions under the same nick. Nothing is stored: a Matrix room has
// no private side channel. An occupant seen only through Matrix (no XMPP session in the room)
// cannot receive them; the sender is told to write to the user directly, which is a 1:1 chat
// both protocols share (docs/bridge-mapping.md).
import type { StanzaErrorCondition } from '../../errors.js';
import type { Jid } from '../../jid.js';
import type { StanzaContext } from '../../module.js';
import { x, type XmlElement } from '../../xml/element.js';
import { NS_MUC_USER } from './ns.js';
import { isOccupantId, occupantIdElement } from './occupant-id.js';
import type { MucService } from './service.js';
import { carbonsEnabled, isEligible, wrapCarbon } from '../xep-0280-carbons.js';

export function privateMessage(svc: MucService, ctx: StanzaContext, to: Jid, fail: (c: StanzaErrorCondition, text?: string) => void): void {
  const stanza = ctx.stanza;
  const type = stanza.attr('type') ?? 'normal';
  // §7.5: a groupchat message to one occupant is refused, whatever else holds.
  if (type === 'groupchat') return fail('bad-request', 'a private message cannot be of type groupchat');
  if (type !== 'chat' && type !== 'normal') return fail('bad-request', `private messages of type ${type} are not passed on`);
  const room = svc.rooms.get(to.bareString());
  if (!room && !svc.roomIdOf(to)) return fail('item-not-found', 'no such room');
  const sender = room?.occupants.get(ctx.from.toString());
  if (!room || !sender) return fail('not-acceptable', 'only occupants may send private messages in the room');
  const target = room.view.get(to.resource);
  if (!target) return fail('item-not-found', `no occupant is called '${to.resource}'`);
  if (target.sessions.length === 0) {
    const jid = svc.jidOfMxid(target.mxid);
    return fail('feature-not-implemented', `${to.resource} is in the room through Matrix and cannot get private messages here; write to ${jid} directly`);
  }
  const own = withMucUserMark(stanza);
  const kept = own.children.filter((c) => typeof c === 'string' || !isOccupantId(own, c));
  const out = own.withChildren([...kept, occupantIdElement(svc.occupantIds.of(room.roomId, sender.mxid))]).withAttrs({ from: `${room.jid}/${sender.nick}` });
  for (const full of target.sessions) svc.send(full, out.withAttrs({ to: full }));
  sentCarbons(svc, room.view.get(sender.nick)?.sessions ?? [], ctx.from.toString(), own.withAttrs({ from: ctx.from.toString() }));
}

/**
 * XEP-0280 §6: a private message from a local user to an occupant is copied (a 'sent' carbon,
 * with the <x xmlns='muc#user'/> that marks it as a MUC private message) to the sender's other
 * carbon-enabled sessions that share its nick in the room, which are the ones that can answer
 * it. Private messages received are not copied: the room already sends them to every session
 * behind the nick.
 */
function sentCarbons(svc: MucService, nickSessions: readonly string[], senderFull: string, original: XmlElement): void {
  const bare = senderFull.slice(0, senderFull.indexOf('/'));
  for (const full of nickSessions) {
    if (full === senderFull) continue;
    const session = svc.server.sessionFor(full);
    if (session && carbonsEnabled(session) && isEligible(original)) session.send(wrapCarbon('sent', bare, full, original));
  }
}

/** The message with <x xmlns='muc#user'/> (§7.5: the service adds it when the sender did not). */
export function withMucUserMark(stanza: XmlElement): XmlElement {
  if (stanza.getChild('x', NS_MUC_USER)) return stanza;
  return stanza.withChildren([...stanza.children, x('x', { xmlns: NS_MUC_USER })]);
}
