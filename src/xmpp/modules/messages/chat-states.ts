// XEP-0085 chat states against the core's typing service in DM rooms (src/xmpp/im/chat-states.ts
// is the pure half). An XMPP client's chat state still reaches the peer's XMPP resources as it
// was sent (routed directly, never stored); here it also sets typing in the pair's DM room for
// Matrix clients, and a Matrix client's typing reaches the peer's XMPP resources.
import { chatStateStanza, isTyping, readChatState, TYPING_TIMEOUT_MS } from '../../im/chat-states.js';
import { routeMessage } from '../../im/routing.js';
import type { Jid } from '../../jid.js';
import type { C2sSession } from '../../stream/types.js';
import type { XmlElement } from '../../xml/element.js';
import type { ImContext } from '../presence/context.js';
import { blockedByRecipient } from '../xep-0191-blocking.js';
import { dmRecipient, jidOfMember } from './dm-events.js';

const ORIGIN = 'xmpp';

/** A message from a local session to a local account: its chat state (if any) becomes typing in their DM room. */
export function chatStateToTyping(im: ImContext, session: C2sSession, to: Jid, el: XmlElement, pending?: Promise<void>): void {
  const state = readChatState(el);
  if (!state) return;
  const serverName = im.core.config.server_name;
  const sender = `@${session.username}:${serverName}`;
  const recipient = `@${to.local}:${serverName}`;
  const apply = () => {
    const roomId = im.core.directs.find(sender, recipient);
    if (!roomId) return Promise.resolve(); // no conversation yet: nothing for Matrix clients to show
    return im.core.typing.set(roomId, sender, isTyping(state), TYPING_TIMEOUT_MS, ORIGIN);
  };
  // While the pair's first message is still making the DM room, the state waits for it.
  (pending ? pending.then(apply) : apply()).catch((err: unknown) => {
    im.server.logger.warn({ err, from: session.jid }, 'xmpp: chat state could not be set as typing');
  });
}

/** Typing from a Matrix client in a DM room: <composing/> or <paused/> to the peer's available resources. */
export function typingToChatStates(im: ImContext): () => void {
  return im.core.typing.onChange((c) => {
    if (c.origin === ORIGIN) return; // the XMPP peer already got the stanza itself
    const local = dmRecipient(im, c.roomId, c.userId);
    if (!local || blockedByRecipient(im.core, local, c.userId)) return;
    const bare = `${local}@${im.server.domain}`;
    const decision = routeMessage('chat', null, im.tracker.views(bare));
    const from = jidOfMember(im, c.userId);
    if (decision.kind !== 'deliver' || !from) return; // offline: chat states are not kept
    const wire = chatStateStanza({ from, to: bare, typing: c.typing }).toString();
    for (const r of decision.resources) im.server.sessionFor(`${bare}/${r}`)?.send(wire);
  });
}
