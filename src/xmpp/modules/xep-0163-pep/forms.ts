// XEP-0004 data forms, the subset pubsub needs: read the fields of a submitted form, and build
// a form for node configuration. Field values stay strings; their meaning is node-config's job.
import { x, type XmlElement } from '../../xml/element.js';

export const NS_DATA = 'jabber:x:data';

export interface SubmittedForm {
  type: string;
  formType: string | undefined;
  fields: Map<string, string[]>;
}

/** Null when the element is not a data form (wrong name or namespace). */
export function readForm(parent: XmlElement): SubmittedForm | null {
  const form = parent.getChild('x', NS_DATA);
  if (!form) return null;
  const fields = new Map<string, string[]>();
  for (const f of form.getChildren('field')) {
    const name = f.attr('var');
    if (name === undefined) continue;
    fields.set(name, f.getChildren('value').map((v) => v.text()));
  }
  const formType = fields.get('FORM_TYPE')?.[0];
  fields.delete('FORM_TYPE');
  return { type: form.attr('type') ?? '', formType, fields };
}

export interface FormField {
  var: string;
  type: string;
  label?: string;
  values: string[];
  options?: string[];
}

export function buildForm(type: 'form' | 'result' | 'submit', formType: string, fields: FormField[]): XmlElement {
  return x('x', { xmlns: NS_DATA, type },
    x('field', { var: 'FORM_TYPE', type: 'hidden' }, x('value', {}, formType)),
    fields.map((f) => x('field', { var: f.var, type: f.type, label: f.label },
      f.values.map((v) => x('value', {}, v)),
      (f.options ?? []).map((o) => x('option', {}, x('value', {}, o))))));
}
