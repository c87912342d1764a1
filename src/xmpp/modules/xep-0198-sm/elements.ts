// The XEP-0198 nonzas as the server writes them, and the feature it offers after bind.
import { NS_STANZA_ERRORS, NS_STREAM_ERRORS } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';

export const NS_SM = 'urn:xmpp:sm:3';

export const smFeature = (): XmlElement => x('sm', { xmlns: NS_SM });
export const ackRequest = (): XmlElement => x('r', { xmlns: NS_SM });
export const ack = (h: number): XmlElement => x('a', { xmlns: NS_SM, h: String(h) });

export function enabled(id: string | null, maxSeconds: number): XmlElement {
  return x('enabled', { xmlns: NS_SM, id: id ?? undefined, resume: id ? 'true' : undefined, max: id ? String(maxSeconds) : undefined });
}

export function resumed(previd: string, h: number): XmlElement {
  return x('resumed', { xmlns: NS_SM, previd, h: String(h) });
}

/** §4 and §5: <failed/> with a stanza error condition (and our 'h' when we know it). */
export function failed(condition: string, h?: number, extra?: XmlElement): XmlElement {
  return x('failed', { xmlns: NS_SM, h: h === undefined ? undefined : String(h) }, x(condition, { xmlns: NS_STANZA_ERRORS }), extra ?? null);
}

export function handledCountTooHigh(h: number, sent: number): XmlElement {
  return x('handled-count-too-high', { xmlns: NS_SM, h: String(h), 'send-count': String(sent) });
}

/** §6: the stream error for an 'h' beyond what was sent. */
export function tooHighStreamError(h: number, sent: number): XmlElement {
  return x('stream:error', null,
    x('undefined-condition', { xmlns: NS_STREAM_ERRORS }),
    handledCountTooHigh(h, sent),
    x('text', { xmlns: NS_STREAM_ERRORS }, `You acknowledged ${h} stanzas, but I only sent you ${sent} so far.`));
}
