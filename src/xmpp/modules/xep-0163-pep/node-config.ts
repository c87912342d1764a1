// PEP node configuration (XEP-0060 §16.4.3 pubsub#node_config, the options PEP clients use) and
// publish-options preconditions (XEP-0060 §7.1.5, XEP-0223). Pure: values in, config or error out.
// Values are kept normalized (booleans as 'true'/'false') so that a precondition compares equal
// whichever spelling the client used.
import type { SubmittedForm } from './forms.js';

export const NS_NODE_CONFIG = 'http://jabber.org/protocol/pubsub#node_config';
export const NS_PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';
/** 'max' asks for the service's largest count (XEP-0060 §7.1.5, used by OMEMO and XEP-0402). */
export const MAX_ITEMS_LIMIT = 1000;

export type NodeConfig = Record<string, string>;
export type AccessModel = 'open' | 'presence' | 'whitelist';

type Kind = 'bool' | 'access' | 'max' | 'text' | 'slpi';
const OPTIONS: Record<string, Kind> = {
  'pubsub#access_model': 'access',
  'pubsub#max_items': 'max',
  'pubsub#persist_items': 'bool',
  'pubsub#deliver_notifications': 'bool',
  'pubsub#deliver_payloads': 'bool',
  'pubsub#notify_retract': 'bool',
  'pubsub#notify_delete': 'bool',
  'pubsub#notify_config': 'bool',
  'pubsub#send_last_published_item': 'slpi',
  'pubsub#title': 'text',
};

/** XEP-0163 §5 defaults: presence access, one item, notifications on. */
export function defaultConfig(): NodeConfig {
  return {
    'pubsub#access_model': 'presence',
    'pubsub#max_items': '1',
    'pubsub#persist_items': 'true',
    'pubsub#deliver_notifications': 'true',
    'pubsub#deliver_payloads': 'true',
    'pubsub#notify_retract': 'true',
    'pubsub#notify_delete': 'true',
    'pubsub#notify_config': 'false',
    'pubsub#send_last_published_item': 'on_sub_and_presence',
    'pubsub#title': '',
  };
}

export const isKnownOption = (name: string): boolean => Object.hasOwn(OPTIONS, name);

/** The normalized value, or null when the value is not acceptable for the option. */
export function normalizeOption(name: string, value: string): string | null {
  switch (OPTIONS[name]) {
    case 'bool': return value === '1' || value === 'true' ? 'true' : value === '0' || value === 'false' ? 'false' : null;
    case 'access': return value === 'open' || value === 'presence' || value === 'whitelist' ? value : null;
    case 'max': {
      if (value === 'max') return 'max';
      if (!/^[0-9]{1,9}$/.test(value)) return null;
      const n = Number(value);
      return n >= 1 && n <= MAX_ITEMS_LIMIT ? String(n) : null;
    }
    case 'slpi': return ['never', 'on_sub', 'on_sub_and_presence'].includes(value) ? value : null;
    case 'text': return value;
    default: return null;
  }
}

export type ConfigResult = { ok: true; config: NodeConfig } | { ok: false; error: 'bad-request' | 'not-acceptable'; text: string };

/**
 * Applies a submitted node_config form (XEP-0060 §8.2.4) on top of `base`. Unknown options and
 * bad values are refused as not-acceptable (§8.2.5.4), a wrong form as bad-request.
 */
export function applyConfigForm(base: NodeConfig, form: SubmittedForm): ConfigResult {
  if (form.type === 'cancel') return { ok: true, config: base };
  if (form.type !== 'submit' || (form.formType !== undefined && form.formType !== NS_NODE_CONFIG)) {
    return { ok: false, error: 'bad-request', text: 'expected a submitted pubsub#node_config form' };
  }
  const config = { ...base };
  for (const [name, values] of form.fields) {
    if (!isKnownOption(name)) return { ok: false, error: 'not-acceptable', text: `unsupported option ${name}` };
    const v = normalizeOption(name, values[0] ?? '');
    if (v === null) return { ok: false, error: 'not-acceptable', text: `bad value for ${name}` };
    config[name] = v;
  }
  return { ok: true, config };
}

export type PreconditionResult =
  | { ok: true; config: NodeConfig }
  | { ok: false; error: 'bad-request' | 'precondition-not-met'; text: string };

/**
 * Checks publish-options against a node. For an existing node every field must equal its
 * configuration; for a new node the fields become its configuration (auto-create).
 */
export function checkPreconditions(existing: NodeConfig | null, form: SubmittedForm): PreconditionResult {
  if (form.type !== 'submit' || form.formType !== NS_PUBLISH_OPTIONS) {
    return { ok: false, error: 'bad-request', text: 'publish-options needs a submitted form of FORM_TYPE pubsub#publish-options' };
  }
  const config = { ...(existing ?? defaultConfig()) };
  for (const [name, values] of form.fields) {
    if (!isKnownOption(name)) return { ok: false, error: 'precondition-not-met', text: `unsupported precondition ${name}` };
    const v = normalizeOption(name, values[0] ?? '');
    if (v === null) return { ok: false, error: 'bad-request', text: `bad value for ${name}` };
    if (existing && !sameValue(name, existing[name], v)) return { ok: false, error: 'precondition-not-met', text: `${name} is ${existing[name]}` };
    config[name] = v;
  }
  return { ok: true, config };
}

/** 'max' and the service's largest count are the same max_items. */
function sameValue(name: string, a: string | undefined, b: string): boolean {
  const norm = (v: string | undefined) => (name === 'pubsub#max_items' && v === String(MAX_ITEMS_LIMIT) ? 'max' : v);
  return norm(a) === norm(b);
}

/** The item count the node keeps; null means no limit below the service's own. */
export function maxItemsOf(config: NodeConfig): number {
  if (config['pubsub#persist_items'] === 'false') return 1;
  const v = config['pubsub#max_items'];
  return v === 'max' || v === undefined ? MAX_ITEMS_LIMIT : Number(v);
}

export const accessModelOf = (config: NodeConfig): AccessModel => (config['pubsub#access_model'] as AccessModel | undefined) ?? 'presence';
export const flag = (config: NodeConfig, name: string): boolean => config[name] !== 'false';
