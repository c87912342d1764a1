// XEP-0049 private XML storage: any element in its own namespace, per account, readable and
// writable only by the account itself. Reserved namespaces (jabber:*, http://jabber.org/*,
// vcard-temp: XEP-0049 §2.3) are refused with <not-acceptable/>. Another module may take over
// one namespace (bookmarks: storage:bookmarks lives in the XEP-0402 PEP node).
import type { PrivateXmlStore } from '../../core/ports.js';
import type { IqContext, XmppModule } from '../module.js';
import { x, type XmlElement } from '../xml/element.js';
import { loadXml, storeXml } from './xep-0163-pep/stored-xml.js';

export const NS_PRIVATE = 'jabber:iq:private';

export interface PrivateNamespace {
  get(owner: string): XmlElement[];
  set(owner: string, elements: XmlElement[], from: string): void;
}

export const isReservedNamespace = (ns: string): boolean =>
  ns === '' || ns.startsWith('jabber:') || ns.startsWith('http://jabber.org/') || ns === 'vcard-temp';

/** Private data in the store, one key per namespace. */
export function storedNamespace(store: PrivateXmlStore, ns: string): PrivateNamespace {
  const key = `private:${ns}`;
  return {
    get: (owner) => (JSON.parse(store.get(owner, key) ?? '[]') as string[]).map(loadXml),
    set: (owner, els) => store.put(owner, key, JSON.stringify(els.map((e) => storeXml(e, ns)))),
  };
}

export function privateModule(store: PrivateXmlStore, overrides: Map<string, PrivateNamespace>): XmppModule {
  const handlerFor = (ns: string) => overrides.get(ns) ?? storedNamespace(store, ns);
  return {
    name: 'xep-0049-private',
    load(server) {
      server.iq(`query ${NS_PRIVATE}`, 'get', (ctx) => {
        const el = checked(ctx);
        if (!el) return;
        if (ctx.payload.elements().length > 1) return ctx.error('bad-request', 'ask for one namespace at a time');
        const ns = ctx.payload.nsOf(el);
        const stored = handlerFor(ns).get(ctx.target.local);
        ctx.result(x('query', { xmlns: NS_PRIVATE }, stored.length > 0 ? stored : x(el.name, { xmlns: ns })));
      }, 'bare');
      server.iq(`query ${NS_PRIVATE}`, 'set', (ctx) => {
        const el = checked(ctx);
        if (!el) return;
        const ns = ctx.payload.nsOf(el);
        const all = ctx.payload.elements();
        if (all.some((e) => ctx.payload.nsOf(e) !== ns)) return ctx.error('bad-request', 'one namespace per request');
        handlerFor(ns).set(ctx.target.local, all.map((e) => e.withAttrs({ xmlns: ns })), ctx.from.toString());
        ctx.result();
      }, 'bare');
    },
  };
}

/** The first child, after the checks every request passes; null when an error was sent. */
function checked(ctx: IqContext): XmlElement | null {
  if (!ctx.from.bare().equals(ctx.target)) {
    ctx.error('forbidden', 'private data belongs to its owner alone');
    return null;
  }
  const el = ctx.payload.elements()[0];
  if (!el) {
    ctx.error('not-acceptable', 'name the namespace with a child element');
    return null;
  }
  if (isReservedNamespace(ctx.payload.nsOf(el))) {
    ctx.error('not-acceptable', 'reserved namespace');
    return null;
  }
  return el;
}
