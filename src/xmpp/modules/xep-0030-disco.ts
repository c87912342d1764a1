// XEP-0030 Service Discovery for the server and, on their behalf, for its accounts' bare JIDs.
// What is listed comes from the other modules (features, identities, items on the module API).
import type { IqContext, ModuleApi, XmppModule } from '../module.js';
import { x, type XmlElement } from '../xml/element.js';
import { CAPS_NODE, serverCapsVer } from './xep-0115-caps.js';

export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

export const discoModule: XmppModule = {
  name: 'disco',
  load(server) {
    server.features.add(NS_DISCO_INFO);
    server.features.add(NS_DISCO_ITEMS);
    server.iq(`query ${NS_DISCO_INFO}`, 'get', (ctx) => hostInfo(server, ctx), 'host');
    server.iq(`query ${NS_DISCO_ITEMS}`, 'get', (ctx) => hostItems(server, ctx), 'host');
    server.iq(`query ${NS_DISCO_INFO}`, 'get', (ctx) => accountInfo(server, ctx), 'bare');
    server.iq(`query ${NS_DISCO_ITEMS}`, 'get', (ctx) => accountItems(ctx), 'bare');
  },
};

/** Nodes are not published yet: any node query is for something that does not exist. */
function unknownNode(ctx: IqContext): boolean {
  if (ctx.payload.attr('node') === undefined) return false;
  ctx.error('item-not-found');
  return true;
}

function hostInfo(server: ModuleApi, ctx: IqContext): void {
  // XEP-0115 §6.2: the node#ver announced in the stream features is answered like the plain query.
  const node = ctx.payload.attr('node');
  const caps = node !== undefined && node === `${CAPS_NODE}#${serverCapsVer(server)}`;
  if (!caps && unknownNode(ctx)) return;
  const info = infoQuery(server.identities.values(), server.features, server.infoForms);
  ctx.result(caps ? info.withAttrs({ node }) : info);
}

function hostItems(server: ModuleApi, ctx: IqContext): void {
  if (unknownNode(ctx)) return;
  ctx.result(x('query', { xmlns: NS_DISCO_ITEMS },
    server.items.values().map((i) => x('item', { jid: i.jid, name: i.name, node: i.node }))));
}

// XEP-0030 §3.1 / RFC 6121 §8.5.1: the server answers for a registered account's bare JID.
function accountInfo(server: ModuleApi, ctx: IqContext): void {
  if (unknownNode(ctx)) return;
  const features = new Set([NS_DISCO_INFO, NS_DISCO_ITEMS, ...server.accountFeatures]);
  // XEP-0163 §6.1: an account with PEP has the pubsub/pep identity (clients such as Conversations look for it).
  const pep = features.has('http://jabber.org/protocol/pubsub') ? [{ category: 'pubsub', type: 'pep' }] : [];
  ctx.result(infoQuery([{ category: 'account', type: 'registered' }, ...pep], features));
}

function accountItems(ctx: IqContext): void {
  if (unknownNode(ctx)) return;
  ctx.result(x('query', { xmlns: NS_DISCO_ITEMS }));
}

function infoQuery(identities: { category: string; type: string; name?: string }[], features: Iterable<string>,
  forms: ReadonlyMap<string, Record<string, string[]>> = new Map()): XmlElement {
  return x('query', { xmlns: NS_DISCO_INFO },
    identities.map((i) => x('identity', { category: i.category, type: i.type, name: i.name })),
    [...features].sort().map((f) => x('feature', { var: f })),
    // XEP-0128: each extension is a result form whose hidden FORM_TYPE names it.
    [...forms].map(([type, fields]) => x('x', { xmlns: 'jabber:x:data', type: 'result' },
      x('field', { var: 'FORM_TYPE', type: 'hidden' }, x('value', null, type)),
      Object.entries(fields).map(([v, values]) => x('field', { var: v }, values.map((val) => x('value', null, val)))))));
}
