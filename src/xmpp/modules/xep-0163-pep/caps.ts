// XEP-0115 entity capabilities, as PEP needs them: which nodes a client resource wants
// notifications for (`node+notify` features, XEP-0163 §4.3.1). A `ver` is looked up once with a
// disco#info query to the resource and shared by everyone with that `ver` only when the answer
// hashes to it (§5.4); an unverifiable answer is kept for that resource alone.
import { createHash } from 'node:crypto';
import type { XmlElement } from '../../xml/element.js';
import { BoundedMap } from '../../../core/bounded-map.js';

export const NS_CAPS = 'http://jabber.org/protocol/caps';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const NS_DATA = 'jabber:x:data';

/** The verification string of XEP-0115 §5.1 for a disco#info <query/>, hashed with SHA-1. */
export function capsVer(query: XmlElement): string {
  const ids = query.getChildren('identity')
    .map((i) => `${i.attr('category') ?? ''}/${i.attr('type') ?? ''}/${i.attr('xml:lang') ?? ''}/${i.attr('name') ?? ''}`)
    .sort();
  const features = query.getChildren('feature').map((f) => f.attr('var') ?? '').sort();
  let s = ids.map((i) => i + '<').join('') + features.map((f) => f + '<').join('');
  const forms = query.getChildren('x', NS_DATA).map((form) => {
    const fields = form.getChildren('field').map((f) => ({ v: f.attr('var') ?? '', values: f.getChildren('value').map((x) => x.text()).sort() }));
    const type = fields.find((f) => f.v === 'FORM_TYPE')?.values[0] ?? '';
    const rest = fields.filter((f) => f.v !== 'FORM_TYPE').sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
    return { type, text: type + '<' + rest.map((f) => f.v + '<' + f.values.map((v) => v + '<').join('')).join('') };
  }).sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  s += forms.map((f) => f.text).join('');
  return createHash('sha1').update(s, 'utf8').digest('base64');
}

export function featuresOf(query: XmlElement): Set<string> {
  return new Set(query.getChildren('feature').map((f) => f.attr('var') ?? ''));
}

/** Nodes a feature set asks notifications for. */
export function notifyNodes(features: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const f of features) if (f.endsWith('+notify')) out.add(f.slice(0, -'+notify'.length));
  return out;
}

/** ver -> features, shared across sessions; bounded so that made-up vers cannot grow it forever. */
export class CapsCache {
  private readonly byVer: BoundedMap<string, Set<string>>;

  constructor(limit = 5000) {
    this.byVer = new BoundedMap(limit);
  }

  get(ver: string): Set<string> | undefined { return this.byVer.get(ver); }

  put(ver: string, features: Set<string>): void {
    this.byVer.set(ver, features);
  }
}
