// The SASL2 exchange of one stream (XEP-0388): <authenticate/>, <response/> and <abort/> in,
// <challenge/> or <failure/> out, or the success the stream completes (inline features, then
// <success/>). The mechanisms are the classic ones (sasl/); FAST adds its token mechanisms.
import { createMechanism, refuseMechanism, type OfferOptions } from '../sasl/mechanisms.js';
import type { SaslContext, SaslFailureCondition, SaslMechanism, SaslStep } from '../sasl/types.js';
import type { XmlElement } from '../xml/element.js';
import { challenge, decodeData, failure, parseUserAgent, type UserAgent } from './elements.js';

/** A mechanism beyond the classic ones (FAST tokens), or why it cannot be used; null: unknown name. */
export type ExtraMechanism = (name: string, auth: XmlElement, userAgent: UserAgent | null, offer: OfferOptions) =>
  SaslMechanism | { refuse: SaslFailureCondition; text: string } | null;

export type Sasl2Outcome =
  | { type: 'reply'; reply: XmlElement; tooManyFailures?: boolean }
  /** Authenticated: the stream processes `auth`'s inline requests, then sends <success/>. */
  | { type: 'success'; username: string; additionalData?: Buffer; auth: XmlElement; userAgent: UserAgent | null; mechanism: SaslMechanism }
  /** The client broke the protocol: the stream must end with a stream error. */
  | { type: 'violation'; text: string };

export class Sasl2Negotiation {
  private mech: SaslMechanism | null = null;
  private auth: XmlElement | null = null;
  private userAgent: UserAgent | null = null;
  private failures = 0;

  constructor(private readonly ctx: SaslContext, private readonly maxFailures: number, private readonly extra?: ExtraMechanism) {}

  /** An exchange is under way: only <response/> and <abort/> may come (XEP-0388 §During Authentication). */
  get inProgress(): boolean { return this.mech !== null; }

  handle(el: XmlElement, offer: OfferOptions): Sasl2Outcome {
    switch (el.name) {
      case 'authenticate':
        if (this.mech) return { type: 'violation', text: '<authenticate/> while an exchange is in progress' };
        return this.authenticate(el, offer);
      case 'response': return this.response(el);
      case 'abort': return this.failure('aborted');
      default:
        if (this.mech) return { type: 'violation', text: `<${el.name}/> during authentication` };
        return this.failure('malformed-request', `unexpected <${el.name}/>`);
    }
  }

  private authenticate(el: XmlElement, offer: OfferOptions): Sasl2Outcome {
    if (!offer.tls && !offer.allowPlaintext) return this.failure('encryption-required');
    const name = el.attr('mechanism') ?? '';
    if (name === '') return this.failure('malformed-request', 'the mechanism attribute is missing');
    const userAgent = parseUserAgent(el);
    if (userAgent === 'invalid') return this.failure('malformed-request', '<user-agent/> needs an id of 1 to 128 characters');
    const input = decodeData(el.getChild('initial-response'));
    if (input === 'invalid') return this.failure('incorrect-encoding', 'the initial response is not base64');
    const mech = this.mechanism(name, el, userAgent, offer);
    if ('refuse' in mech) return this.failure(mech.refuse, mech.text);
    this.mech = mech;
    this.auth = el;
    this.userAgent = userAgent;
    return this.apply(mech.step(input));
  }

  private mechanism(name: string, el: XmlElement, ua: UserAgent | null, offer: OfferOptions): SaslMechanism | { refuse: SaslFailureCondition; text: string } {
    const extra = this.extra?.(name, el, ua, offer);
    if (extra) return extra;
    // §Initiation: a mechanism the feature did not announce fails the authentication.
    const refused = refuseMechanism(name, offer);
    if (refused) return { refuse: refused, text: `${name} is not offered here` };
    return createMechanism(name, this.ctx, offer.channelBindings) ?? { refuse: 'invalid-mechanism', text: `${name} is not offered here` };
  }

  private response(el: XmlElement): Sasl2Outcome {
    if (!this.mech) return this.failure('malformed-request', 'no exchange in progress');
    const input = decodeData(el);
    if (input === 'invalid') return this.failure('incorrect-encoding', 'the response is not base64');
    return this.apply(this.mech.step(input ?? Buffer.alloc(0)));
  }

  private apply(step: SaslStep): Sasl2Outcome {
    if (step.type === 'challenge') return { type: 'reply', reply: challenge(step.data) };
    if (step.type === 'failure') return this.failure(step.condition, step.text);
    if (this.ctx.disabled?.(step.username)) return this.failure('account-disabled', 'this account is locked');
    const done: Sasl2Outcome = { type: 'success', username: step.username, additionalData: step.data, auth: this.auth!, userAgent: this.userAgent, mechanism: this.mech! };
    this.reset();
    return done;
  }

  private failure(condition: SaslFailureCondition, text?: string): Sasl2Outcome {
    this.reset();
    if (condition !== 'aborted') this.failures++;
    return { type: 'reply', reply: failure(condition, text), tooManyFailures: this.failures >= this.maxFailures };
  }

  private reset(): void {
    this.mech = null;
    this.auth = null;
    this.userAgent = null;
  }
}
