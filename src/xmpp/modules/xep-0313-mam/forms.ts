// XEP-0004 data forms, the small part the archive and the server-info forms need: reading the
// fields of a submitted form and writing a form or a result form. Kept beside MAM because MAM is
// its first user; the other small XEPs here import it from this file.
import { x, type XmlElement } from '../../xml/element.js';

export const NS_DATA = 'jabber:x:data';

export interface FieldSpec {
  var: string;
  type?: string;
  values?: string[];
  /** Extra children (e.g. a XEP-0122 <validate/>). */
  extra?: XmlElement[];
}

/** The fields of a submitted form: var → values. null when it is not a data form or a field has no var. */
export function readForm(form: XmlElement): Map<string, string[]> | null {
  if (form.name !== 'x' || form.xmlns !== NS_DATA) return null;
  const out = new Map<string, string[]>();
  for (const f of form.getChildren('field', NS_DATA)) {
    const name = f.attr('var');
    if (!name) return null;
    out.set(name, f.getChildren('value', NS_DATA).map((v) => v.text()));
  }
  return out;
}

/** A form of the given type ('form', 'result', 'submit') with its FORM_TYPE first. */
export function buildForm(type: string, formType: string, fields: FieldSpec[]): XmlElement {
  return x('x', { xmlns: NS_DATA, type },
    x('field', { var: 'FORM_TYPE', type: 'hidden' }, x('value', null, formType)),
    fields.map((f) => x('field', { var: f.var, type: f.type },
      (f.values ?? []).map((v) => x('value', null, v)), f.extra ?? [])));
}
