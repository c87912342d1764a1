// What the server says at the start of each stream: the header (RFC 6120 §4.7) and the features
// offered at that point of the negotiation (RFC 6120 §4.3.2).
import { NS_STREAMS } from '../errors.js';
import { openTag, x, XML_DECLARATION, type XmlElement } from '../xml/element.js';
import { offeredMechanisms } from '../sasl/mechanisms.js';
import type { ChannelBindings } from '../sasl/channel-binding.js';
import { authenticationFeature } from '../sasl2/elements.js';

export const NS_CLIENT = 'jabber:client';
export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
export const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';
export const NS_SASL_CB = 'urn:xmpp:sasl-cb:0';
export const NS_ROSTERVER = 'urn:xmpp:features:rosterver';
const NS_SM = 'urn:xmpp:sm:3';
export const NS_STREAM_LIMITS = 'urn:xmpp:stream-limits:0';

export function streamHeader(domain: string, id: string, to?: string): string {
  return XML_DECLARATION + openTag('stream:stream', {
    xmlns: NS_CLIENT,
    'xmlns:stream': NS_STREAMS,
    id,
    from: domain,
    to,
    version: '1.0',
    'xml:lang': 'en',
  });
}

export interface FeatureState {
  isTls: boolean;
  canStartTls: boolean;
  allowInsecureAuth: boolean;
  authenticated: boolean;
  /** The largest stanza this stream accepts, in bytes (XEP-0478 advertises it). */
  maxBytes: number;
  /** What this TLS connection can bind SCRAM to (-PLUS, XEP-0440); none when absent. */
  channelBindings?: ChannelBindings;
  /** More post-authentication features from the host (XEP-0115 caps). */
  extra?: XmlElement[];
  /** Pre-authentication features from the host (XEP-0077 <register/>), offered beside SASL. */
  preAuth?: XmlElement[];
  /** XEP-0388: offer SASL2 beside SASL, with these inline features (Bind 2, XEP-0198, FAST). */
  sasl2Inline?: XmlElement[];
  /** After a SASL2 success (no restart): a resource is already bound (Bind 2 or resumption). */
  bound?: boolean;
  /** After a SASL2 success: XEP-0198 is already on. */
  smEnabled?: boolean;
}

export function streamFeatures(s: FeatureState): XmlElement {
  // XEP-0478: a client that knows the limit can refuse an oversized avatar itself instead of
  // losing its stream to <policy-violation/>.
  const limits = x('limits', { xmlns: NS_STREAM_LIMITS }, x('max-bytes', null, String(s.maxBytes)));
  if (s.authenticated) {
    return x('stream:features', null,
      s.bound ? null : x('bind', { xmlns: NS_BIND }),
      // RFC 3921 sessions are a no-op today; advertised as optional for old clients (RFC 6121 App. E).
      s.bound ? null : x('session', { xmlns: NS_SESSION }, x('optional')),
      // XEP-0198 stream management, and RFC 6121 §2.6 roster versioning (always supported).
      s.smEnabled ? null : x('sm', { xmlns: NS_SM }),
      x('csi', { xmlns: 'urn:xmpp:csi:0' }), // XEP-0352
      x('ver', { xmlns: NS_ROSTERVER }),
      limits,
      s.extra ?? null);
  }
  const tlsRequired = !s.isTls && !s.allowInsecureAuth;
  const starttls = !s.isTls && s.canStartTls ? x('starttls', { xmlns: NS_TLS }, tlsRequired ? x('required') : null) : null;
  // While TLS is mandatory-to-negotiate nothing else is offered (RFC 6120 §5.3.1).
  const mechanisms = offeredMechanisms({ tls: s.isTls, allowPlaintext: s.allowInsecureAuth, channelBindings: s.channelBindings });
  const sasl = tlsRequired ? null : x('mechanisms', { xmlns: NS_SASL }, mechanisms.map((m) => x('mechanism', null, m)));
  // XEP-0388: the same mechanisms through SASL2, where the client can also bind, resume and get a FAST token at once.
  const sasl2 = sasl && s.sasl2Inline ? authenticationFeature(mechanisms, s.sasl2Inline) : null;
  // XEP-0440: which binding types -PLUS can use here, so a client need not guess.
  const cbTypes = sasl ? s.channelBindings?.types ?? [] : [];
  const cb = cbTypes.length ? x('sasl-channel-binding', { xmlns: NS_SASL_CB }, cbTypes.map((type) => x('channel-binding', { type }))) : null;
  return x('stream:features', null, starttls, sasl, sasl2, cb, sasl ? s.preAuth ?? null : null, limits);
}

/** Major and minor of a stream `version` attribute; absent means pre-1.0 (RFC 6120 §4.7.5). */
export function supportsVersion1(version: string | undefined): boolean {
  const m = /^(\d+)\.(\d+)$/.exec(version ?? '');
  return !!m && Number(m[1]) >= 1;
}
