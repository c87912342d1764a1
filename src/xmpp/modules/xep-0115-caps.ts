// XEP-0115 Entity Capabilities of the server itself: a <c/> in the post-authentication stream
// features (§6.3), so a client can skip asking the server's disco#info when it has seen this
// verification string before. The string is computed from what disco#info answers (the module
// API's identities and features), at each stream, so modules loaded later are included.
import { createHash } from 'node:crypto';
import type { ModuleApi, XmppModule } from '../module.js';
import { x, type XmlElement } from '../xml/element.js';

export const NS_CAPS = 'http://jabber.org/protocol/caps';
/** Names this software (§4: a URI for the software that generated the string). */
export const CAPS_NODE = 'urn:hearth:xmpp-server';

export interface CapsIdentity { category: string; type: string; lang?: string; name?: string }
/** An extended-info data form (XEP-0128): field var → values; must contain FORM_TYPE. */
export type CapsForm = Record<string, string[]>;

// §5.1: strings are compared "in the i;octet collation" — by UTF-8 bytes, not UTF-16 code units.
const octets = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The §5.1 verification string input (exposed for tests), before hashing. */
export function capsInput(identities: CapsIdentity[], features: Iterable<string>, forms: CapsForm[] = []): string {
  const ids = identities.map((i) => `${i.category}/${i.type}/${i.lang ?? ''}/${i.name ?? ''}`).sort(octets);
  let s = ids.map((i) => `${i}<`).join('');
  s += [...new Set(features)].sort(octets).map((f) => `${f}<`).join('');
  const typed = forms.filter((f) => f.FORM_TYPE?.[0] !== undefined)
    .sort((a, b) => octets(a.FORM_TYPE![0]!, b.FORM_TYPE![0]!));
  for (const form of typed) {
    s += `${form.FORM_TYPE![0]}<`;
    for (const v of Object.keys(form).filter((k) => k !== 'FORM_TYPE').sort(octets)) {
      s += `${v}<` + [...form[v]!].sort(octets).map((val) => `${val}<`).join('');
    }
  }
  return s;
}

/** The 'ver' attribute: base64 of the SHA-1 of the input (§5.1 steps 8-9). */
export function capsVer(identities: CapsIdentity[], features: Iterable<string>, forms: CapsForm[] = []): string {
  return createHash('sha1').update(capsInput(identities, features, forms), 'utf8').digest('base64');
}

export function capsElement(ver: string): XmlElement {
  return x('c', { xmlns: NS_CAPS, hash: 'sha-1', node: CAPS_NODE, ver });
}

/** The server's own 'ver': what its disco#info answers, XEP-0128 forms included (§5.4). */
export function serverCapsVer(server: ModuleApi): string {
  return capsVer(server.identities.values(), server.features, serverForms(server));
}

function serverForms(server: ModuleApi): CapsForm[] {
  return [...server.infoForms].map(([type, fields]) => ({ ...fields, FORM_TYPE: [type] }));
}

export const capsModule: XmppModule = {
  name: 'xep-0115-caps',
  load(server) {
    server.features.add(NS_CAPS);
    // Every stream (two per login) announces it: hash again only when what disco#info says changed.
    let key = '';
    let el: XmlElement | null = null;
    server.streamFeature(() => {
      const now = JSON.stringify([[...server.identities.values()], [...server.features], serverForms(server)]);
      if (el === null || now !== key) {
        key = now;
        el = capsElement(serverCapsVer(server));
      }
      return el;
    });
  },
};
