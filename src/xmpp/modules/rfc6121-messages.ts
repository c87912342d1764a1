// RFC 6121 §5 and §8.5: one-to-one messages between accounts of this server, on the room core.
//
// A 'chat' or 'normal' message with a <body/> that a client sends to another local account
// becomes one m.room.message event in the pair's direct-message room (DESIGN §1), and reaches
// the recipient's XMPP sessions from the room bus, exactly like a message a Matrix client sent
// in that room. So history, offline delivery, MAM and carbons are views of events, rendered by
// one function (messages/dm-stanza.ts).
// XEP-0444 reactions, XEP-0308 corrections, XEP-0461 replies and XEP-0424 retractions become the
// matching Matrix relations and redactions in that room and come back from them
// (messages/rich-events.ts).
// Messages without a body (chat states, receipts, markers) and other types are routed directly
// to the recipient's sessions, without history, and copied to both accounts' other resources
// (XEP-0280); a chat state also sets typing in the DM room (messages/chat-states.ts), and a
// <displayed/> marker the sender's read receipt (messages/markers.ts).
//
// Errors: a message for an account that does not exist is answered with
// <service-unavailable/> (§8.5.1 allows silence too; an answer tells the sender it went
// nowhere, which Prosody and ejabberd do as well). Messages of type 'error' are never answered.
// Messages for other domains are the router's (MUC component, or remote-server-not-found until
// federation).
import { mayReplyWithError, stanzaError, type StanzaErrorCondition } from '../errors.js';
import type { Jid } from '../jid.js';
import type { StanzaContext, XmppModule } from '../module.js';
import { messageToContent, readExtras } from '../im/message-map.js';
import { NS_SID } from '../im/payload.js';
import { NS_RETRACT } from '../im/retraction.js';
import { messageType, routeMessage, type MessageType } from '../im/routing.js';
import type { C2sSession } from '../stream/types.js';
import type { XmlElement } from '../xml/element.js';
import { RoomError } from '../../core/rooms/errors.js';
import type { RoomEventNotice } from '../../core/bus.js';
import type { ImContext } from './presence/context.js';
import { dmRecipient } from './messages/dm-events.js';
import { dmStanza, isDmItem } from './messages/dm-stanza.js';
import type { OfflineQueue } from './offline.js';
import { blockedByRecipient } from './xep-0191-blocking.js';
import { directCarbons, receivedCarbons, sentCarbonsForEvent } from './messages/carbon-hooks.js';
import { reactionsToEvents, retractionToEvent, withRelations } from './messages/rich-events.js';
import { chatStateToTyping, typingToChatStates } from './messages/chat-states.js';
import { displayedToReceipt, receiptsToMarkers } from './messages/markers.js';

export function messagesModule(im: ImContext, offline: OfflineQueue): XmppModule {
  const chains = new Map<string, Promise<void>>();
  return {
    name: 'rfc6121-messages',
    load(server) {
      server.accountFeatures.add(NS_SID); // XEP-0359 §6: ids are stamped for the account's archive
      // XEP-0424 §2 and §4: retractions are archived, and retracted messages become tombstones.
      server.accountFeatures.add(NS_RETRACT);
      server.accountFeatures.add(`${NS_RETRACT}#tombstone`);
      server.message((ctx) => onMessage(im, chains, ctx));
      im.onClose(typingToChatStates(im)); // XEP-0085 <- m.typing
      im.onClose(receiptsToMarkers(im)); // XEP-0333 <- m.read
      // A throwing bus subscriber would surface as an uncaught exception: contain it here.
      im.onClose(im.core.bus.onRoomEvent((n) => {
        try {
          onRoomEvent(im, offline, n);
          sentCarbonsForEvent(im, n); // XEP-0280
        } catch (err) {
          server.logger.warn({ err, event: n.eventId }, 'xmpp: delivering a room event failed');
        }
      }));
    },
  };
}

function onMessage(im: ImContext, chains: Map<string, Promise<void>>, ctx: StanzaContext): boolean {
  const { stanza: el, to } = ctx;
  if (!to || to.domain !== im.server.domain || to.local === '') return false;
  const type = messageType(el.attr('type'));
  if (!im.isLocalUser(to)) {
    if (type !== 'error') bounce(im, el, 'service-unavailable');
    return true;
  }
  if (ctx.session && (type === 'chat' || type === 'normal') && !to.bare().equals(ctx.from.bare())) {
    const serverName = im.core.config.server_name;
    const pending = chains.get(chainKey(`@${ctx.session.username}:${serverName}`, `@${to.local}:${serverName}`));
    chatStateToTyping(im, ctx.session, to, el, pending); // XEP-0085 -> m.typing
    const badMarker = displayedToReceipt(im, ctx.session, to, el); // XEP-0333 -> m.read
    if (badMarker) {
      if (mayReplyWithError(el)) im.server.route(stanzaError(el, undefined, badMarker.condition, badMarker.text));
      return true;
    }
    // XEP-0424: a retraction carries a fallback body, so it is looked for before the body.
    const retracted = retractionToEvent(im, ctx.session, to, el);
    if (retracted) {
      if ('condition' in retracted) {
        if (mayReplyWithError(el)) im.server.route(stanzaError(el, undefined, retracted.condition, retracted.text));
      } else {
        held(im, ctx.session, el, retracted, 'retraction');
      }
      return true;
    }
    const content = messageToContent(el, { domain: im.server.domain, fromResource: ctx.session.resource, toResource: to.resource || undefined });
    if (content) {
      const related = withRelations(im, `@${ctx.session.username}:${serverName}`, `@${to.local}:${serverName}`, el, content);
      toEvent(im, chains, ctx.session, to, el, related);
      return true;
    }
    // XEP-0444: a bodyless reactions stanza is history too, as m.reaction events and redactions.
    const reacted = reactionsToEvents(im, ctx.session, to, el);
    if (reacted) {
      held(im, ctx.session, el, reacted, 'reactions');
      return true;
    }
  }
  directCarbons(im, ctx, to, routeDirect(im, el, to, type)); // XEP-0280
  return true;
}

/** Body-less messages and other types: straight to the recipient's sessions (§8.5.2, §8.5.3). */
function routeDirect(im: ImContext, el: XmlElement, to: Jid, type: MessageType): string[] {
  const bare = to.bareString();
  const decision = routeMessage(type, to.resource || null, im.tracker.views(bare));
  if (decision.kind === 'error') {
    bounce(im, el, decision.condition);
    return [];
  }
  if (decision.kind !== 'deliver') {
    // 'offline': chat states and receipts are not worth keeping. A message with a body gets here
    // only from a sender without a session (a component): it is not stored, so it is bounced
    // (RFC 6121 §8.5.2.1.1 allows storing or <service-unavailable/>, not silence).
    if (el.getChild('body') !== undefined && (type === 'chat' || type === 'normal')) bounce(im, el, 'service-unavailable');
    return [];
  }
  const wire = el.toString();
  for (const r of decision.resources) im.server.sessionFor(`${bare}/${r}`)?.send(wire);
  return decision.resources;
}

/** The chain of one sender's messages to one recipient while their DM room is being made. */
function chainKey(sender: string, recipient: string): string {
  return `${sender}\u0000${recipient}`;
}

/**
 * Writes the message as an event in the pair's DM room. Messages from one sender to one
 * recipient are chained so that they enter the room in the order they were sent, even while the
 * room is still being created for the first one.
 */
function toEvent(im: ImContext, chains: Map<string, Promise<void>>, session: C2sSession, to: Jid,
  el: XmlElement, content: NonNullable<ReturnType<typeof messageToContent>>): void {
  const serverName = im.core.config.server_name;
  const sender = `@${session.username}:${serverName}`;
  const recipient = `@${to.local}:${serverName}`;
  const key = chainKey(sender, recipient);
  const pending = chains.get(key);
  // Once the room exists and nothing is queued, send at once: the room service orders sends
  // synchronously, and waiting for the previous commit would allow one message per pair per
  // commit (the shared harness measured 3,400 msg/s and 375 ms p50 that way).
  const existing = pending ? null : im.core.directs.find(sender, recipient);
  const write = existing
    ? im.core.rooms.send(existing, { type: 'm.room.message', sender, content }).then(() => undefined)
    : (pending ?? Promise.resolve()).then(async () => {
      const roomId = await im.core.directs.ensure(sender, recipient);
      await im.core.rooms.send(roomId, { type: 'm.room.message', sender, content });
    });
  const next = write.catch((err: unknown) => {
    im.server.logger.warn({ err, from: session.jid }, 'xmpp: message could not be stored');
    bounce(im, el, conditionOf(err));
  });
  session.hold?.(next); // XEP-0198: acknowledged once the event is committed
  if (existing) return;
  chains.set(key, next);
  void next.finally(() => { if (chains.get(key) === next) chains.delete(key); });
}

/** XEP-0198: the stanza is acknowledged once its events are committed; a failure bounces it. */
function held(im: ImContext, session: C2sSession, el: XmlElement, write: Promise<void>, what: string): void {
  session.hold?.(write.catch((err: unknown) => {
    im.server.logger.warn({ err, from: session.jid }, `xmpp: ${what} could not be stored`);
    bounce(im, el, conditionOf(err));
  }));
}

function conditionOf(err: unknown): StanzaErrorCondition {
  if (!(err instanceof RoomError)) return 'internal-server-error';
  // A suspended sender too: RFC 6120 §8.3.3.4 forbidden (docs/bridge-mapping.md).
  if (err.code === 'forbidden' || err.code === 'suspended') return 'forbidden';
  if (err.code === 'too_large') return 'policy-violation';
  return 'internal-server-error';
}

/**
 * An event of a DM room reaches the other member's XMPP sessions (§8.5 rules) as the stanza
 * messages/dm-stanza.ts makes of it: messages, reactions, retractions.
 */
function onRoomEvent(im: ImContext, offline: OfflineQueue, n: RoomEventNotice): void {
  if (n.pdu.state_key !== undefined) return;
  const local = dmRecipient(im, n.roomId, n.pdu.sender);
  if (!local || !n.recipients.includes(`@${local}:${im.core.config.server_name}`)) return;
  if (!isDmItem(im.core, n)) return;
  if (blockedByRecipient(im.core, local, n.pdu.sender)) return; // XEP-0191, also for Matrix senders
  const bare = `${local}@${im.server.domain}`;
  const sessions = im.server.sessionsOf(bare);
  if (sessions.length === 0) return; // offline: delivered at the next login
  const extras = readExtras(n.pdu.content);
  const wanted = extras.to_resource ?? null;
  const decision = routeMessage(extras.type ?? 'chat', wanted, im.tracker.views(bare));
  if (decision.kind !== 'deliver') return;
  const to = decision.resources.length === 1 && decision.resources[0] === wanted ? `${bare}/${wanted}` : bare;
  const stanza = dmStanza(im, n, bare, to, 'live');
  if (!stanza) return;
  const wire = stanza.toString();
  for (const r of decision.resources) im.server.sessionFor(`${bare}/${r}`)?.send(wire);
  receivedCarbons(im, bare, stanza, decision.resources); // XEP-0280
  // Reached a resource that is not "online for messages": the next login must not repeat it.
  if (!im.tracker.onlineForMessages(bare)) offline.deliveredLive(bare, n.eventId);
}

function bounce(im: ImContext, el: XmlElement, condition: StanzaErrorCondition): void {
  if (mayReplyWithError(el)) im.server.route(stanzaError(el, undefined, condition));
}
