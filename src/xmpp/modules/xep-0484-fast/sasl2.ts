// XEP-0484 FAST inside SASL2: the inline feature, the token mechanisms an <authenticate/> may
// name (with <fast/>), and the <token/> a success carries (asked for with <request-token/>, or
// a rotation). Token bookkeeping is in tokens.ts.
import type { ChannelBindings } from '../../sasl/channel-binding.js';
import { HtServer, htBinding, isHtMechanism, offeredHtMechanisms } from '../../sasl/ht.js';
import type { ExtraMechanism } from '../../sasl2/negotiation.js';
import type { UserAgent } from '../../sasl2/elements.js';
import type { SaslMechanism } from '../../sasl/types.js';
import { x, type XmlElement } from '../../xml/element.js';
import type { AcceptedToken, FastTokens } from './tokens.js';

export const NS_FAST = 'urn:xmpp:fast:0';
const COUNT = /^[0-9]{1,15}$/;

/** The inline <fast/> feature: the token mechanisms this connection can run. */
export function fastFeature(bindings?: ChannelBindings): XmlElement {
  return x('fast', { xmlns: NS_FAST }, offeredHtMechanisms(bindings).map((m) => x('mechanism', null, m)));
}

/** An HT exchange under FAST: remembers which token it accepted, for the success. */
class FastHt extends HtServer {
  accepted: AcceptedToken | null = null;
}

/** The FAST mechanisms for Sasl2Negotiation, and the checks of the FAST elements of a request. */
export function fastMechanisms(tokens: FastTokens): ExtraMechanism {
  return (name, auth, ua, offer) => {
    const fast = auth.getChild('fast', NS_FAST);
    const request = auth.getChild('request-token', NS_FAST);
    const isHt = isHtMechanism(name);
    const offered = offeredHtMechanisms(offer.channelBindings);
    if (request && !offered.includes(request.attr('mechanism') ?? '')) {
      return { refuse: 'invalid-mechanism', text: `no FAST tokens for ${request.attr('mechanism') ?? '(none)'} here` };
    }
    if ((fast || request) && !ua) return { refuse: 'malformed-request', text: 'FAST needs a <user-agent id=.../>' };
    if (!isHt) return fast ? { refuse: 'malformed-request', text: '<fast/> goes with a FAST mechanism' } : null;
    if (!fast) return { refuse: 'invalid-mechanism', text: `${name} is for FAST tokens: add <fast xmlns='${NS_FAST}'/>` };
    const countAttr = fast.attr('count');
    if (countAttr !== undefined && !COUNT.test(countAttr)) return { refuse: 'malformed-request', text: 'count must be a non-negative integer' };
    if (!offered.includes(name)) return { refuse: 'invalid-mechanism', text: `this connection has no ${htBinding(name)} binding for ${name}` };
    const count = countAttr === undefined ? null : Number(countAttr);
    const binding = htBinding(name);
    const cbData = binding === null ? Buffer.alloc(0) : offer.channelBindings?.data(binding) ?? null;
    const mech: FastHt = new FastHt(name, (username, proof, cb) => {
      const outcome = tokens.check(username, ua!.id, name, proof, count, cb);
      if ('condition' in outcome) return outcome;
      mech.accepted = outcome;
      return { serverProof: outcome.serverProof };
    }, cbData);
    return mech;
  };
}

/**
 * After a successful authentication: records a token's use (and honours 'invalidate'), then issues
 * a token when the client asked for one or the one it used is due for rotation.
 */
export function fastSuccess(tokens: FastTokens, username: string, auth: XmlElement, ua: UserAgent | null, mech: SaslMechanism): XmlElement[] {
  if (!ua) return [];
  const fast = auth.getChild('fast', NS_FAST);
  const request = auth.getChild('request-token', NS_FAST);
  let mechanism = request?.attr('mechanism');
  if (mech instanceof FastHt && mech.accepted && fast) {
    const count = fast.attr('count');
    tokens.used(username, ua.id, mech.accepted, count === undefined ? null : Number(count));
    const invalidate = fast.attr('invalidate') === 'true' || fast.attr('invalidate') === '1';
    // §invalidation: the token is dead at once, and no new one unless asked for explicitly.
    if (invalidate) tokens.invalidate(username, ua.id);
    else if (!mechanism && tokens.dueForRotation(mech.accepted)) mechanism = mech.name;
  }
  if (!mechanism) return [];
  const issued = tokens.issue(username, ua.id, mechanism);
  return [x('token', { xmlns: NS_FAST, token: issued.token, expiry: issued.expiry.toISOString().replace(/\.\d{3}Z$/, 'Z') })];
}
