// XEP-0352 Client State Indication: a client that says it is <inactive/> (a phone in a pocket)
// is not woken for what can wait. While inactive, presence updates and chat states are held,
// keeping only the newest presence of each sender, and everything else (messages with a body,
// iq, subscription requests, errors) goes at once, after what was held so order is kept.
// <active/> flushes what was held. The stream calls this from its send path.
import { parseFragment } from '../im/payload.js';
import type { XmlElement } from '../xml/element.js';

export const NS_CSI = 'urn:xmpp:csi:0';
const NS_CHATSTATES = 'http://jabber.org/protocol/chatstates';
const NS_CARBONS = 'urn:xmpp:carbons:2';
const NS_FORWARD = 'urn:xmpp:forward:0';

/** null: deliver now. Otherwise a key: held, replacing what was held under the same key. */
export function holdKey(el: XmlElement, seq: number): string | null {
  if (el.name === 'presence') {
    const type = el.attr('type');
    return type === undefined || type === 'unavailable' ? `presence ${el.attr('from') ?? ''}` : null;
  }
  if (el.name !== 'message') return null;
  // A carbon is judged by the message it carries.
  const carried = (el.getChild('received', NS_CARBONS) ?? el.getChild('sent', NS_CARBONS))
    ?.getChild('forwarded', NS_FORWARD)?.getChild('message', 'jabber:client');
  const m = carried ?? el;
  if (m.attr('type') === 'error' || m.attr('type') === 'groupchat' && m.getChild('subject')) return null;
  const hasBody = m.elements().some((c) => c.name === 'body');
  const chatState = m.elements().some((c) => m.nsOf(c) === NS_CHATSTATES);
  return !hasBody && chatState ? `chatstate ${seq}` : null;
}

export class CsiFilter {
  private inactive = false;
  private seq = 0;
  private readonly held = new Map<string, string>();

  /** <active/> or <inactive/>; going active flushes through `deliver`. */
  set(active: boolean, deliver: (wire: string) => void): void {
    this.inactive = !active;
    if (active) this.flush(deliver);
  }

  /** True when the stanza was held; otherwise the caller writes it (after any flush done here). */
  hold(stanza: XmlElement | string, deliver: (wire: string) => void): boolean {
    if (!this.inactive) return false;
    const el = typeof stanza === 'string' ? parseFragment(stanza) : stanza;
    const key = el ? holdKey(el, this.seq++) : null;
    if (key === null) {
      this.flush(deliver);
      return false;
    }
    this.held.delete(key); // the newest goes to the end: order follows the latest update
    this.held.set(key, typeof stanza === 'string' ? stanza : stanza.toString());
    return true;
  }

  private flush(deliver: (wire: string) => void): void {
    const wires = [...this.held.values()];
    this.held.clear();
    for (const w of wires) deliver(w);
  }
}
