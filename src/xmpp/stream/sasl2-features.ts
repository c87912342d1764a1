// The inline features offered inside the SASL2 <authentication/> feature (XEP-0388 §inline):
// XEP-0386 Bind 2 (with the session features a bind may enable) and XEP-0198 resumption.
import { NS_SM } from '../modules/xep-0198-sm/elements.js';
import { NS_CSI } from '../modules/xep-0352-csi.js';
import { bindFeature } from '../sasl2/bind2.js';
import { x, type XmlElement } from '../xml/element.js';
import type { C2sSessionHost } from './types.js';

export function sasl2InlineFeatures(host: C2sSessionHost): XmlElement[] {
  return [
    bindFeature([NS_SM, NS_CSI, ...(host.bind2Features?.() ?? [])]),
    x('sm', { xmlns: NS_SM }),
  ];
}
