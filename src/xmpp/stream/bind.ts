// Resource binding (RFC 6120 §7) and the legacy session request (RFC 3921 §3, kept as a no-op
// per RFC 6121 Appendix E because older clients still send it).
import { randomBytes } from 'node:crypto';
import { stanzaError } from '../errors.js';
import { prepResource } from '../jid.js';
import { x, type XmlElement } from '../xml/element.js';
import { NS_BIND, NS_CLIENT, NS_SESSION } from './features.js';

export function isBindRequest(el: XmlElement): boolean {
  return isIqSet(el) && !!el.getChild('bind', NS_BIND);
}

export function isSessionRequest(el: XmlElement): boolean {
  return isIqSet(el) && !!el.getChild('session', NS_SESSION);
}

function isIqSet(el: XmlElement): boolean {
  return el.name === 'iq' && el.xmlns === NS_CLIENT && el.attr('type') === 'set';
}

export function sessionResult(iq: XmlElement): XmlElement {
  return x('iq', { type: 'result', id: iq.attr('id') });
}

/** A resource for clients that let the server choose (RFC 6120 §7.6.2.1). */
export function generatedResource(): string {
  return randomBytes(9).toString('base64url');
}

export interface BindOutcome {
  reply: XmlElement;
  /** The bound resource, when binding succeeded. */
  resource?: string;
}

/**
 * Answers a bind request. `claim` asks the session host for the resource and returns the one
 * granted or 'conflict'; `bareJid` makes the full JID of the reply.
 */
export function bind(iq: XmlElement, bareJid: string, claim: (resource: string) => string | 'conflict'): BindOutcome {
  const requested = iq.getChild('bind', NS_BIND)?.getChildText('resource')?.trim() ?? '';
  const resource = requested === '' ? generatedResource() : prepResource(requested);
  if (resource === null) return { reply: stanzaError(iq, 'modify', 'bad-request', 'invalid resource') };
  const granted = claim(resource);
  if (granted === 'conflict') return { reply: stanzaError(iq, 'cancel', 'conflict', 'resource in use') };
  const reply = x('iq', { type: 'result', id: iq.attr('id') },
    x('bind', { xmlns: NS_BIND }, x('jid', null, `${bareJid}/${granted}`)));
  return { reply, resource: granted };
}
