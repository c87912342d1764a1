// Stored payloads (PEP items, private XML) are kept as a JSON element tree rather than XML text,
// so reading one back needs no XML parser; the namespace of every element is written out on it
// so that a stored subtree means the same thing wherever it is later placed.
import { XmlElement, type XmlNode } from '../../xml/element.js';

type Json = string | { n: string; a: Record<string, string>; c: Json[] };

function toJson(el: XmlElement, ns: string): Json {
  const attrs: Record<string, string> = { ...el.attrs };
  if (!el.name.includes(':')) attrs.xmlns = ns;
  return { n: el.name, a: attrs, c: el.children.map((c) => (typeof c === 'string' ? c : toJson(c, el.nsOf(c)))) };
}

function fromJson(j: Json): XmlNode {
  if (typeof j === 'string') return j;
  return new XmlElement(j.n, j.a, j.c.map(fromJson));
}

/** `ns` is the element's namespace as its parent resolves it (`parent.nsOf(el)`). */
export function storeXml(el: XmlElement, ns: string): string {
  return JSON.stringify(toJson(el, ns));
}

export function loadXml(s: string): XmlElement {
  return fromJson(JSON.parse(s)) as XmlElement;
}
