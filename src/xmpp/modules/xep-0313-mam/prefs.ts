// Archiving preferences (XEP-0441, in the urn:xmpp:mam:2 namespace): a default behaviour and
// 'always'/'never' JID lists, stored per account. The archive is the room timeline, which is
// kept whatever the preferences say; they are stored and returned so that clients which manage
// them work, and so that a later retention policy can read them.
import type { KeyValueStore } from '../../../core/ports.js';
import { Jid } from '../../jid.js';
import { x, type XmlElement } from '../../xml/element.js';
import { NS_MAM } from './query.js';

const KV_NS = 'mam_prefs';
const DEFAULTS = ['always', 'never', 'roster'] as const;
export type DefaultPolicy = (typeof DEFAULTS)[number];

export interface MamPrefs {
  default: DefaultPolicy;
  always: string[];
  never: string[];
}

export const INITIAL_PREFS: MamPrefs = { default: 'always', always: [], never: [] };

/** Reads a <prefs/> a client set; null when it is malformed. */
export function parsePrefs(el: XmlElement): MamPrefs | null {
  const def = el.attr('default');
  if (!def || !(DEFAULTS as readonly string[]).includes(def)) return null;
  const list = (name: string): string[] | null => {
    const holder = el.getChild(name, NS_MAM);
    if (!holder) return [];
    const out: string[] = [];
    for (const j of holder.getChildren('jid', NS_MAM)) {
      const jid = Jid.parse(j.text().trim());
      if (!jid) return null;
      out.push(jid.toString());
    }
    return out;
  };
  const always = list('always');
  const never = list('never');
  if (!always || !never) return null;
  return { default: def as DefaultPolicy, always, never };
}

export function prefsElement(p: MamPrefs): XmlElement {
  return x('prefs', { xmlns: NS_MAM, default: p.default },
    x('always', null, p.always.map((j) => x('jid', null, j))),
    x('never', null, p.never.map((j) => x('jid', null, j))));
}

export function loadPrefs(kv: KeyValueStore, username: string): MamPrefs {
  const raw = kv.get(KV_NS, username);
  if (!raw) return INITIAL_PREFS;
  try {
    const v = JSON.parse(raw) as MamPrefs;
    return { default: v.default, always: v.always ?? [], never: v.never ?? [] };
  } catch {
    return INITIAL_PREFS;
  }
}

export function storePrefs(kv: KeyValueStore, username: string, p: MamPrefs): void {
  kv.put(KV_NS, username, JSON.stringify(p));
}
