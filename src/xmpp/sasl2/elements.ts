// The XEP-0388 (SASL2) elements: the <authentication/> stream feature, the parts of a client's
// <authenticate/> the server reads, and <challenge/>, <success/> and <failure/>.
import { x, type XmlElement } from '../xml/element.js';
import type { SaslFailureCondition } from '../sasl/types.js';

export const NS_SASL2 = 'urn:xmpp:sasl:2';
/** SASL2 failures carry the RFC 6120 §6.5 conditions in their own namespace. */
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
/** XEP-0388 §user-agent: ids longer than this are refused (a UUID is 36 characters). */
export const MAX_USER_AGENT_ID = 128;

/** Who the client is, from <user-agent/> (XEP-0388): the id is stable per installation. */
export interface UserAgent {
  id: string;
  software?: string;
  device?: string;
}

/** The stream feature: mechanisms, then the features a client may negotiate inline. */
export function authenticationFeature(mechanisms: string[], inline: XmlElement[]): XmlElement {
  return x('authentication', { xmlns: NS_SASL2 },
    mechanisms.map((m) => x('mechanism', null, m)),
    inline.length ? x('inline', null, inline) : null);
}

export function challenge(data: Buffer): XmlElement {
  return x('challenge', { xmlns: NS_SASL2 }, data.toString('base64'));
}

export function failure(condition: SaslFailureCondition, text?: string): XmlElement {
  return x('failure', { xmlns: NS_SASL2 }, x(condition, { xmlns: NS_SASL }), text ? x('text', null, text) : null);
}

/**
 * <success/>: the mechanism's final data, the identity (a full JID once a resource is bound or a
 * session resumed), then what inline features answered (<bound/>, <resumed/>, a FAST <token/>).
 */
export function success(identity: string, additionalData: Buffer | undefined, extra: XmlElement[]): XmlElement {
  return x('success', { xmlns: NS_SASL2 },
    additionalData ? x('additional-data', null, additionalData.toString('base64')) : null,
    x('authorization-identifier', null, identity),
    extra);
}

/**
 * The <user-agent/> of an <authenticate/>: null when absent; 'invalid' when it has no usable id
 * (the XEP makes the id mandatory on the element).
 */
export function parseUserAgent(auth: XmlElement): UserAgent | null | 'invalid' {
  const el = auth.getChild('user-agent', NS_SASL2);
  if (!el) return null;
  const id = el.attr('id') ?? '';
  if (id === '' || id.length > MAX_USER_AGENT_ID) return 'invalid';
  const software = el.getChildText('software', NS_SASL2)?.trim();
  const device = el.getChildText('device', NS_SASL2)?.trim();
  return { id, software: software || undefined, device: device || undefined };
}

// Base64 without padding mistakes; whitespace is tolerated because the XEP's own examples wrap it.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * SASL2 data (§SASL Data Encoding): an absent element is no data (null), an empty one is empty
 * data, anything else must be base64.
 */
export function decodeData(el: XmlElement | undefined): Buffer | null | 'invalid' {
  if (!el) return null;
  const text = el.text().replace(/[ \t\r\n]/g, '');
  return BASE64.test(text) ? Buffer.from(text, 'base64') : 'invalid';
}
