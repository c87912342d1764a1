// The SASL exchange of one stream (RFC 6120 §6.4): turns <auth/>, <response/> and <abort/> into
// <challenge/>, <success/> or <failure/>, counting failures so a stream cannot guess forever.
import { x, type XmlElement } from '../xml/element.js';
import { createMechanism, refuseMechanism, type OfferOptions } from '../sasl/mechanisms.js';
import type { SaslContext, SaslFailureCondition, SaslMechanism, SaslStep } from '../sasl/types.js';
import { NS_SASL } from './features.js';

export interface SaslOutcome {
  reply: XmlElement;
  /** Set when the client is now authenticated as this account localpart. */
  username?: string;
  /** Set when failures exceeded the limit: the stream must be closed. */
  tooManyFailures?: boolean;
}

// RFC 6120 §6.4.2: base64 without whitespace; '=' alone is an empty response.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class SaslNegotiation {
  private mech: SaslMechanism | null = null;
  private failures = 0;

  constructor(private readonly ctx: SaslContext, private readonly maxFailures: number) {}

  handle(el: XmlElement, offer: OfferOptions): SaslOutcome {
    switch (el.name) {
      case 'auth': return this.auth(el, offer);
      case 'response': return this.response(el);
      case 'abort':
        this.mech = null;
        return this.failure('aborted');
      default: return this.failure('malformed-request', `unexpected <${el.name}/>`);
    }
  }

  private auth(el: XmlElement, offer: OfferOptions): SaslOutcome {
    this.mech = null;
    if (!offer.tls && !offer.allowPlaintext) return this.failure('encryption-required');
    const name = el.attr('mechanism') ?? '';
    const refused = refuseMechanism(name, offer);
    if (refused) return this.failure(refused);
    const input = decode(el.text());
    if (input === 'invalid') return this.failure('incorrect-encoding');
    this.mech = createMechanism(name, this.ctx, offer.channelBindings);
    return this.mech ? this.apply(this.mech.step(input)) : this.failure('invalid-mechanism');
  }

  private response(el: XmlElement): SaslOutcome {
    if (!this.mech) return this.failure('malformed-request', 'no exchange in progress');
    const input = decode(el.text());
    if (input === 'invalid') return this.failure('incorrect-encoding');
    return this.apply(this.mech.step(input ?? Buffer.alloc(0)));
  }

  private apply(step: SaslStep): SaslOutcome {
    if (step.type === 'challenge') return { reply: x('challenge', { xmlns: NS_SASL }, encode(step.data)) };
    if (step.type === 'failure') return this.failure(step.condition, step.text);
    if (this.ctx.disabled?.(step.username)) return this.failure('account-disabled', 'this account is locked');
    this.mech = null;
    return { reply: x('success', { xmlns: NS_SASL }, step.data ? encode(step.data) : null), username: step.username };
  }

  private failure(condition: SaslFailureCondition, text?: string): SaslOutcome {
    this.mech = null;
    if (condition !== 'aborted') this.failures++;
    const reply = x('failure', { xmlns: NS_SASL }, x(condition), text ? x('text', { 'xml:lang': 'en' }, text) : null);
    return { reply, tooManyFailures: this.failures >= this.maxFailures };
  }
}

/** null: no data at all; empty buffer: '=' (explicitly empty); 'invalid': not base64. */
function decode(text: string): Buffer | null | 'invalid' {
  if (text === '') return null;
  if (text === '=') return Buffer.alloc(0);
  return BASE64.test(text) ? Buffer.from(text, 'base64') : 'invalid';
}

function encode(data: Buffer): string {
  return data.length === 0 ? '' : data.toString('base64');
}
