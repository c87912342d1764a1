// XEP-0085 chat states and Matrix typing notices (m.typing) in one-to-one chats. Pure; the
// module half is modules/messages/chat-states.ts. See docs/bridge-mapping.md.
//
// XMPP -> Matrix: <composing/> is typing on (for TYPING_TIMEOUT_MS, the pause after which
// XEP-0085 §5.2 has a client send <paused/> anyway); <paused/>, <active/>, <inactive/> and
// <gone/> are typing off. Matrix -> XMPP: typing on is <composing/>, off is <paused/>.
import { x, type XmlElement } from '../xml/element.js';
import { NS_HINTS } from './rich-map.js';

export const NS_CHATSTATES = 'http://jabber.org/protocol/chatstates';
export const CHAT_STATES = ['active', 'composing', 'paused', 'inactive', 'gone'] as const;
export type ChatState = (typeof CHAT_STATES)[number];
/** How long an XMPP <composing/> keeps the sender typing on Matrix unless renewed or ended. */
export const TYPING_TIMEOUT_MS = 30_000;

/** The chat state a message carries (the first known one), or null. */
export function readChatState(stanza: XmlElement): ChatState | null {
  for (const c of stanza.elements()) {
    if (stanza.nsOf(c) === NS_CHATSTATES && (CHAT_STATES as readonly string[]).includes(c.name)) return c.name as ChatState;
  }
  return null;
}

export function isTyping(state: ChatState): boolean {
  return state === 'composing';
}

/**
 * The standalone notification for a Matrix typing change. Not for archives or offline storage
 * (XEP-0334 <no-store/>; XEP-0085 §5.4 and XEP-0313 leave such messages out anyway).
 */
export function chatStateStanza(a: { from: string; to: string; typing: boolean; type?: 'chat' | 'groupchat'; extra?: XmlElement[] }): XmlElement {
  return x('message', { type: a.type ?? 'chat', from: a.from, to: a.to },
    x(a.typing ? 'composing' : 'paused', { xmlns: NS_CHATSTATES }),
    x('no-store', { xmlns: NS_HINTS }),
    a.extra ?? []);
}
