// The inline features offered inside the SASL2 <authentication/> feature (XEP-0388 §inline):
// XEP-0386 Bind 2 (with the session features a bind may enable), XEP-0198 resumption, and
// XEP-0484 FAST when the server keeps tokens.
import { NS_SM } from '../modules/xep-0198-sm/elements.js';
import { NS_CSI } from '../modules/xep-0352-csi.js';
import { fastFeature } from '../modules/xep-0484-fast/sasl2.js';
import { bindFeature } from '../sasl2/bind2.js';
import type { ChannelBindings } from '../sasl/channel-binding.js';
import { x, type XmlElement } from '../xml/element.js';
import type { C2sSessionHost } from './types.js';

/** `fast`: tokens are kept and may be used here; `bindings`: what this TLS connection can bind to. */
export function sasl2InlineFeatures(host: C2sSessionHost, fast: boolean, bindings?: ChannelBindings): XmlElement[] {
  return [
    bindFeature([NS_SM, NS_CSI, ...(host.bind2Features?.() ?? [])]),
    x('sm', { xmlns: NS_SM }),
    fast ? fastFeature(bindings) : null,
  ].filter((el): el is XmlElement => el !== null);
}
