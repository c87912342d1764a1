// The XMPP error catalogue: stream errors (RFC 6120 §4.9.3) and stanza errors (RFC 6120 §8.3.3),
// with the builders every part of the XMPP side uses so that error shapes are uniform.
import { x, type XmlElement } from './xml/element.js';

export const NS_STREAMS = 'http://etherx.jabber.org/streams';
export const NS_STREAM_ERRORS = 'urn:ietf:params:xml:ns:xmpp-streams';
export const NS_STANZA_ERRORS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export const STREAM_ERROR_CONDITIONS = [
  'bad-format', 'bad-namespace-prefix', 'conflict', 'connection-timeout', 'host-gone', 'host-unknown',
  'improper-addressing', 'internal-server-error', 'invalid-from', 'invalid-namespace', 'invalid-xml',
  'not-authorized', 'not-well-formed', 'policy-violation', 'remote-connection-failed', 'reset',
  'resource-constraint', 'restricted-xml', 'see-other-host', 'system-shutdown', 'undefined-condition',
  'unsupported-encoding', 'unsupported-feature', 'unsupported-stanza-type', 'unsupported-version',
] as const;
export type StreamErrorCondition = (typeof STREAM_ERROR_CONDITIONS)[number];

export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

/** Each stanza error condition with the type RFC 6120 §8.3.3 gives it in its examples. */
export const STANZA_ERROR_DEFAULT_TYPES = {
  'bad-request': 'modify',
  'conflict': 'cancel',
  'feature-not-implemented': 'cancel',
  'forbidden': 'auth',
  'gone': 'cancel',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  'redirect': 'modify',
  'registration-required': 'auth',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'subscription-required': 'auth',
  'undefined-condition': 'cancel',
  'unexpected-request': 'wait',
} as const satisfies Record<string, StanzaErrorType>;
export type StanzaErrorCondition = keyof typeof STANZA_ERROR_DEFAULT_TYPES;

export function isStreamErrorCondition(s: string): s is StreamErrorCondition {
  return (STREAM_ERROR_CONDITIONS as readonly string[]).includes(s);
}

export function isStanzaErrorCondition(s: string): s is StanzaErrorCondition {
  return Object.hasOwn(STANZA_ERROR_DEFAULT_TYPES, s);
}

function errorText(ns: string, text: string | undefined): XmlElement | null {
  return text ? x('text', { xmlns: ns, 'xml:lang': 'en' }, text) : null;
}

/** `<stream:error>`; the caller writes it inside an open stream, followed by the closing tag. */
export function streamError(condition: StreamErrorCondition, text?: string): XmlElement {
  return x('stream:error', null, x(condition, { xmlns: NS_STREAM_ERRORS }), errorText(NS_STREAM_ERRORS, text));
}

/** The `<error/>` child alone, for stanzas built by hand (e.g. presence errors). */
export function errorElement(type: StanzaErrorType, condition: StanzaErrorCondition, text?: string, by?: string): XmlElement {
  return x('error', { type, by }, x(condition, { xmlns: NS_STANZA_ERRORS }), errorText(NS_STANZA_ERRORS, text));
}

/**
 * The error reply to a stanza (RFC 6120 §8.3.1): same name and id, addresses swapped, type 'error'.
 * The original payload is not echoed back (allowed, not required; it would only cost bandwidth).
 * `type` may be omitted to use the condition's usual type.
 */
export function stanzaError(
  stanza: XmlElement,
  type: StanzaErrorType | undefined,
  condition: StanzaErrorCondition,
  text?: string,
): XmlElement {
  const t = type ?? STANZA_ERROR_DEFAULT_TYPES[condition];
  return x(stanza.name, {
    xmlns: stanza.attrs.xmlns,
    type: 'error',
    id: stanza.attrs.id,
    from: stanza.attrs.to,
    to: stanza.attrs.from,
  }, errorElement(t, condition, text));
}

/** RFC 6120 §8.3.1: an entity never answers an error with an error (avoids loops). */
export function mayReplyWithError(stanza: XmlElement): boolean {
  return stanza.attrs.type !== 'error';
}

/** Reads the condition of an error stanza or stream error, for tests and logs. */
export function errorCondition(el: XmlElement): string | undefined {
  const err = el.name === 'error' || el.name === 'stream:error' ? el : el.getChild('error');
  return err?.elements().find((c) => c.name !== 'text')?.name;
}
