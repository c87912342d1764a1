// What a SASL2 success does before <success/> goes out (XEP-0388 inline features): XEP-0198
// resumption (§5, inline), else XEP-0386 Bind 2 with its session features (XEP-0198 <enable/>,
// XEP-0352 client state, and what modules offer, e.g. XEP-0280 carbons), and the answers that
// other inline features (FAST tokens) add. The protocol pieces live in sasl2/ and modules/.
import { NS_SM } from '../modules/xep-0198-sm/elements.js';
import { enableSm, startResume, type SmStream } from '../modules/xep-0198-sm/stream-sm.js';
import { NS_CSI } from '../modules/xep-0352-csi.js';
import { bind2Resource, bound, NS_BIND2 } from '../sasl2/bind2.js';
import { success, type UserAgent } from '../sasl2/elements.js';
import type { XmlElement } from '../xml/element.js';
import type { C2sSession, C2sSessionHost } from './types.js';

/** session.data key of the client's XEP-0388 <user-agent/> (id, software, device). */
export const SASL2_USER_AGENT = 'xep0388.user-agent';

/** What the stream offers the inline processing. */
export interface Sasl2Stream extends SmStream, C2sSession {
  readonly host: C2sSessionHost;
  /** Binds this resource (RFC 6120 §7 rules: the host may replace an older session); 'conflict' when refused. */
  bindResource(resource: string): string | 'conflict';
  /** XEP-0352 <active/> or <inactive/>. */
  clientState(el: XmlElement): void;
  /** The stream features of the now authenticated stream (XEP-0388: sent right after <success/>, no restart). */
  featuresAfterAuth(state: { bound: boolean; smEnabled: boolean }): XmlElement;
}

export interface Sasl2Success {
  auth: XmlElement;
  additionalData?: Buffer;
  userAgent: UserAgent | null;
  /** Inline answers computed after authentication (FAST <token/>), put into <success/>. */
  extra: XmlElement[];
}

export function completeSasl2(s: Sasl2Stream, done: Sasl2Success): void {
  if (done.userAgent) s.data.set(SASL2_USER_AGENT, done.userAgent);
  const answers: XmlElement[] = [];
  const resumeEl = done.auth.getChild('resume', NS_SM);
  if (resumeEl) {
    const r = startResume(s, resumeEl);
    if ('session' in r) return resumeInline(s, r.session, r.resumed, done);
    // XEP-0386: a failed resumption is reported, and binding goes on for a new session.
    answers.push(r.failed);
  }
  const bindEl = done.auth.getChild('bind', NS_BIND2);
  if (bindEl) answers.push(bindInline(s, bindEl, done.userAgent));
  s.writeNonza(success(s.jid || s.bareJid, done.additionalData, [...answers, ...done.extra]));
  s.writeNonza(s.featuresAfterAuth({ bound: s.resource !== '', smEnabled: s.sm !== null }));
}

/** The old session lives on over this connection; <success/> carries <resumed/> and goes out once 'h' is settled. */
function resumeInline(s: Sasl2Stream, old: SmStream, resumed: Promise<XmlElement>, done: Sasl2Success): void {
  const jid = `${s.bareJid}/${old.resource}`;
  const features = s.featuresAfterAuth({ bound: true, smEnabled: true });
  void resumed.then((r) => old.wake(success(jid, done.additionalData, [r, ...done.extra]).toString() + features.toString()));
}

function bindInline(s: Sasl2Stream, req: XmlElement, ua: UserAgent | null): XmlElement {
  const tag = req.getChildText('tag', NS_BIND2);
  let granted = s.bindResource(bind2Resource(s.username, tag, ua?.id));
  // A host that refuses to replace sessions: this connection gets a fresh resource instead.
  if (granted === 'conflict') granted = s.bindResource(bind2Resource(s.username, tag, undefined));
  if (granted === 'conflict') throw new Error('bind 2: no resource could be bound');
  // XEP-0386: what modules report at the moment of binding (the archive's XEP-0313 <metadata/>).
  const answers: XmlElement[] = [...(s.host.bind2BoundExtras?.(s) ?? [])];
  for (const child of req.elements()) {
    const ns = req.nsOf(child);
    if (ns === NS_BIND2) continue; // <tag/>
    if (ns === NS_SM && child.name === 'enable') answers.push(enableSm(s, child));
    else if (ns === NS_CSI) s.clientState(child);
    else {
      const answer = s.host.bind2Request?.(s, child);
      if (answer) answers.push(answer);
    }
  }
  return bound(answers);
}
