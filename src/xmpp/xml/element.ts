// The in-memory form of XML for the whole XMPP side: a small element tree that is built by the
// stream parser or by code (`x(...)`) and serialized by `toString()`. No other place in the code
// base produces XML text by hand, so escaping is decided here once.

export type XmlNode = XmlElement | string;
export type XmlAttrs = Readonly<Record<string, string>>;

export class XmlElement {
  readonly name: string;
  readonly attrs: XmlAttrs;
  readonly children: readonly XmlNode[];
  /** Namespace resolved by the parser (inherited ones included); undefined for built elements. */
  private readonly resolvedNs: string | undefined;

  constructor(name: string, attrs: XmlAttrs = {}, children: readonly XmlNode[] = [], resolvedNs?: string) {
    this.name = name;
    this.attrs = attrs;
    this.children = children;
    this.resolvedNs = resolvedNs;
  }

  /** The element's namespace: the parsed one, else its own `xmlns` attribute, else ''. */
  get xmlns(): string {
    return this.resolvedNs ?? this.attrs.xmlns ?? '';
  }

  attr(name: string): string | undefined {
    return this.attrs[name];
  }

  /** Child elements only (text dropped). */
  elements(): XmlElement[] {
    return this.children.filter((c): c is XmlElement => typeof c !== 'string');
  }

  /** First child element with that name (and namespace, when given); built children inherit ours. */
  getChild(name: string, xmlns?: string): XmlElement | undefined {
    return this.elements().find((c) => c.name === name && (xmlns === undefined || this.nsOf(c) === xmlns));
  }

  getChildren(name: string, xmlns?: string): XmlElement[] {
    return this.elements().filter((c) => c.name === name && (xmlns === undefined || this.nsOf(c) === xmlns));
  }

  /** First child element in a namespace, whatever its name (the payload of an iq). */
  getChildByNs(xmlns: string): XmlElement | undefined {
    return this.elements().find((c) => this.nsOf(c) === xmlns);
  }

  /** The namespace of one of our children, resolving inheritance for built trees. */
  nsOf(child: XmlElement): string {
    return child.resolvedNs ?? child.attrs.xmlns ?? this.xmlns;
  }

  /** Concatenated direct text content. */
  text(): string {
    let out = '';
    for (const c of this.children) if (typeof c === 'string') out += c;
    return out;
  }

  /** Text of the first matching child, or undefined when there is no such child. */
  getChildText(name: string, xmlns?: string): string | undefined {
    return this.getChild(name, xmlns)?.text();
  }

  /** A copy with some attributes replaced; `undefined` removes one. */
  withAttrs(patch: Record<string, string | undefined>): XmlElement {
    const attrs: Record<string, string> = { ...this.attrs };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete attrs[k];
      else attrs[k] = v;
    }
    return new XmlElement(this.name, attrs, this.children, this.resolvedNs);
  }

  /** A copy with other children. */
  withChildren(children: readonly XmlNode[]): XmlElement {
    return new XmlElement(this.name, this.attrs, children, this.resolvedNs);
  }

  toString(): string {
    let out = '<' + this.name;
    for (const [k, v] of Object.entries(this.attrs)) out += ' ' + k + '="' + escapeAttr(v) + '"';
    if (this.children.length === 0) return out + '/>';
    out += '>';
    for (const c of this.children) out += typeof c === 'string' ? escapeText(c) : c.toString();
    return out + '</' + this.name + '>';
  }
}

type Child = XmlNode | null | undefined | false | readonly Child[];

/** Builder: `x('iq', { type: 'result', id }, x('query', { xmlns }))`; null/false children are skipped, arrays flattened. */
export function x(name: string, attrs: Record<string, string | undefined> | null = {}, ...children: Child[]): XmlElement {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined) clean[k] = v;
  const flat: XmlNode[] = [];
  flatten(children, flat);
  return new XmlElement(name, clean, flat);
}

function flatten(children: readonly Child[], out: XmlNode[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) flatten(c, out);
    else if (c !== '') out.push(c as XmlNode);
  }
}

// Characters XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR, lone surrogates,
// U+FFFE/U+FFFF). Text arriving from Matrix may hold them; they are dropped rather than
// producing a document the peer must reject as not-well-formed.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTR_SPECIAL = /[&<>"'\t\n\r]/g;
const ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;',
  '\t': '&#9;', '\n': '&#10;', '\r': '&#13;',
};

/** Escapes character data; CR is written as a reference so the parser's newline normalization keeps it. */
export function escapeText(s: string): string {
  return s.replace(NOT_XML_CHAR, '').replace(TEXT_SPECIAL, (c) => ESCAPES[c]!);
}

/** Escapes an attribute value for either quote style; whitespace is written as references to survive normalization. */
export function escapeAttr(s: string): string {
  return s.replace(NOT_XML_CHAR, '').replace(ATTR_SPECIAL, (c) => ESCAPES[c]!);
}

/** An opening tag alone, for the stream root that stays open for the whole connection. */
export function openTag(name: string, attrs: Record<string, string | undefined>): string {
  let out = '<' + name;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out += ' ' + k + '="' + escapeAttr(v) + '"';
  return out + '>';
}

export function closeTag(name: string): string {
  return '</' + name + '>';
}

export const XML_DECLARATION = "<?xml version='1.0'?>";
