// XEP-0386 Bind 2, the protocol part: the inline feature, the resource a bind request gets, and
// <bound/>. The stream (stream/sasl2-inline.ts) does the binding and enables the session features.
import { createHash } from 'node:crypto';
import { prepResource } from '../jid.js';
import { generatedResource } from '../stream/bind.js';
import { x, type XmlElement } from '../xml/element.js';

export const NS_BIND2 = 'urn:xmpp:bind:0';
/** Tags are for diagnostics; a longer one is cut so the resource stays well inside 1023 bytes. */
const MAX_TAG = 64;

/** The SASL2 inline feature, naming what a bind request may enable at once. */
export function bindFeature(inlineVars: string[]): XmlElement {
  return x('bind', { xmlns: NS_BIND2 }, x('inline', null, inlineVars.map((v) => x('feature', { var: v }))));
}

export function bound(children: XmlElement[]): XmlElement {
  return x('bound', { xmlns: NS_BIND2 }, children);
}

/**
 * §Resource identifier generation: `[tag]/[id]`. With a <user-agent/> id the id part is stable
 * (a hash of account, client id and tag, so the same client gets the same resource and a
 * reconnect replaces its old session), and it never shows the client id itself.
 */
export function bind2Resource(username: string, tag: string | undefined, userAgentId: string | undefined): string {
  const cleanTag = cleanBindTag(tag);
  const id = userAgentId
    ? createHash('sha256').update(`${username}\0${userAgentId}\0${cleanTag}`).digest('base64url').slice(0, 12)
    : generatedResource();
  return cleanTag ? `${cleanTag}/${id}` : id;
}

/** The tag as it may appear in a resource: trimmed, shortened, '' when it is not valid there. */
export function cleanBindTag(tag: string | undefined): string {
  const t = [...(tag ?? '').trim()].slice(0, MAX_TAG).join('');
  return t === '' ? '' : prepResource(t) ?? '';
}
