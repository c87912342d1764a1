// The iq side of PEP: <pubsub/> publish, retract, items, create and <pubsub#owner/> configure,
// default, delete, purge, each parsed here and carried out by PepService. Thin on purpose.
import type { IqContext, ModuleApi } from '../../module.js';
import { x, XmlElement } from '../../xml/element.js';
import { replyError } from './errors.js';
import { buildForm, readForm } from './forms.js';
import { applyConfigForm, defaultConfig, NS_NODE_CONFIG, type NodeConfig } from './node-config.js';
import { NS_PUBSUB, NS_PUBSUB_OWNER, type PepError, type PepService } from './service.js';

type Handler = (server: ModuleApi, pep: PepService, ctx: IqContext, el: XmlElement) => void;

const isOwner = (ctx: IqContext): boolean => ctx.from.bare().equals(ctx.target);
const err = (condition: PepError['condition'], app?: string, text?: string): PepError => ({ condition, app, text });

/** The one action child of <pubsub/>; publish-options and configure ride along with it. */
function action(ctx: IqContext, names: string[]): XmlElement | PepError {
  const kids = ctx.payload.elements().filter((e) => e.name !== 'publish-options' && !(e.name === 'configure' && names.includes('create')));
  if (kids.length !== 1) return err('bad-request', undefined, 'expected exactly one pubsub action');
  const [el] = kids as [XmlElement];
  if (!names.includes(el.name)) return err('feature-not-implemented', `unsupported:${el.name}`);
  return el;
}

/** Node names and item ids are kept to a JID part's size, so nothing stored is unbounded. */
const MAX_NAME = 1023;

function nodeOf(el: XmlElement): string | PepError {
  const node = el.attr('node');
  if (!node) return err('bad-request', 'nodeid-required');
  return node.length > MAX_NAME ? err('not-acceptable', undefined, 'node name too long') : node;
}

export function dispatch(server: ModuleApi, pep: PepService, ctx: IqContext, table: Record<string, Handler>): void {
  const el = action(ctx, Object.keys(table));
  if (!(el instanceof XmlElement)) return replyError(server, ctx, el);
  table[el.name]!(server, pep, ctx, el);
}

function done(server: ModuleApi, ctx: IqContext, r: { ok: true } | { ok: false; err: PepError }, ...children: XmlElement[]): void {
  if (r.ok) ctx.result(...children);
  else replyError(server, ctx, r.err);
}

export const publish: Handler = (server, pep, ctx, el) => {
  if (!isOwner(ctx)) return replyError(server, ctx, err('forbidden', undefined, "only the owner publishes to an account's PEP nodes"));
  const node = nodeOf(el);
  if (typeof node !== 'string') return replyError(server, ctx, node);
  const items = el.getChildren('item');
  if (items.length !== 1) return replyError(server, ctx, err('bad-request', items.length === 0 ? 'item-required' : 'invalid-payload'));
  const item = items[0]!;
  const payload = item.elements();
  if (payload.length !== 1) return replyError(server, ctx, err('bad-request', payload.length === 0 ? 'payload-required' : 'invalid-payload'));
  if ((item.attr('id') ?? '').length > MAX_NAME) return replyError(server, ctx, err('not-acceptable', undefined, 'item id too long'));
  const po = ctx.payload.getChild('publish-options');
  const form = po ? readForm(po) : undefined;
  if (po && !form) return replyError(server, ctx, err('bad-request', undefined, 'publish-options needs a data form'));
  const r = pep.publish(ctx.target.local, ctx.from.toString(), node, item.attr('id') || undefined, payload[0]!, item.nsOf(payload[0]!), form ?? undefined);
  if (!r.ok) return replyError(server, ctx, r.err);
  ctx.result(x('pubsub', { xmlns: NS_PUBSUB }, x('publish', { node }, x('item', { id: r.value }))));
};

export const retract: Handler = (server, pep, ctx, el) => {
  if (!isOwner(ctx)) return replyError(server, ctx, err('forbidden'));
  const node = nodeOf(el);
  if (typeof node !== 'string') return replyError(server, ctx, node);
  const ids = el.getChildren('item').map((i) => i.attr('id'));
  if (ids.length !== 1 || !ids[0]) return replyError(server, ctx, err('bad-request', 'item-required'));
  const notify = el.attr('notify') === 'true' || el.attr('notify') === '1';
  done(server, ctx, pep.retract(ctx.target.local, node, ids[0], notify));
};

export const create: Handler = (server, pep, ctx, el) => {
  if (!isOwner(ctx)) return replyError(server, ctx, err('forbidden'));
  const node = nodeOf(el);
  if (typeof node !== 'string') return replyError(server, ctx, err('not-acceptable', 'nodeid-required', 'instant nodes are not offered on PEP'));
  const configure = ctx.payload.getChild('configure');
  const form = configure ? readForm(configure) : null;
  let config: NodeConfig | null = null;
  if (form) {
    const r = applyConfigForm(defaultConfig(), form);
    if (!r.ok) return replyError(server, ctx, err(r.error, undefined, r.text));
    config = r.config;
  }
  done(server, ctx, pep.create(ctx.target.local, node, config));
};

export const items: Handler = (server, pep, ctx, el) => {
  const node = nodeOf(el);
  if (typeof node !== 'string') return replyError(server, ctx, node);
  const config = pep.config(ctx.target.local, node);
  if (!config) return replyError(server, ctx, err('item-not-found'));
  const denied = pep.checkAccess(ctx.target.local, config, ctx.from.bare().toString());
  if (denied) return replyError(server, ctx, denied);
  const maxAttr = el.attr('max_items');
  if (maxAttr !== undefined && !/^[1-9][0-9]{0,8}$/.test(maxAttr)) return replyError(server, ctx, err('bad-request', undefined, 'max_items must be a positive integer'));
  const ids = el.getChildren('item').map((i) => i.attr('id') ?? '').filter((i) => i !== '');
  const found = pep.items(ctx.target.local, node, ids, maxAttr === undefined ? undefined : Number(maxAttr));
  // XEP-0060 §6.5.8: asking for particular items that are all gone is item-not-found.
  if (ids.length > 0 && found.length === 0) return replyError(server, ctx, err('item-not-found'));
  ctx.result(x('pubsub', { xmlns: NS_PUBSUB }, x('items', { node },
    found.map((i) => x('item', { id: i.id, publisher: i.publisher }, i.payload)))));
};

// ---- owner use cases (XEP-0060 §8) ----

const ownerOnly = (h: Handler): Handler => (server, pep, ctx, el) =>
  isOwner(ctx) ? h(server, pep, ctx, el) : replyError(server, ctx, err('forbidden'));

function configForm(config: NodeConfig): XmlElement {
  const field = (v: string, type: string, options?: string[]) => ({ var: v, type, values: [config[v] ?? ''], options });
  return buildForm('form', NS_NODE_CONFIG, [
    field('pubsub#access_model', 'list-single', ['open', 'presence', 'whitelist']),
    field('pubsub#max_items', 'text-single'),
    field('pubsub#persist_items', 'boolean'),
    field('pubsub#deliver_notifications', 'boolean'),
    field('pubsub#deliver_payloads', 'boolean'),
    field('pubsub#notify_retract', 'boolean'),
    field('pubsub#notify_delete', 'boolean'),
    field('pubsub#notify_config', 'boolean'),
    field('pubsub#send_last_published_item', 'list-single', ['never', 'on_sub', 'on_sub_and_presence']),
    field('pubsub#title', 'text-single'),
  ]);
}

export const getConfigure: Handler = ownerOnly((server, pep, ctx, el) => {
  const node = nodeOf(el);
  if (typeof node !== 'string') return replyError(server, ctx, node);
  const config = pep.config(ctx.target.local, node);
  if (!config) return replyError(server, ctx, err('item-not-found'));
  ctx.result(x('pubsub', { xmlns: NS_PUBSUB_OWNER }, x('configure', { node }, configForm(config))));
});

export const getDefault: Handler = ownerOnly((_server, _pep, ctx) => {
  ctx.result(x('pubsub', { xmlns: NS_PUBSUB_OWNER }, x('default', {}, configForm(defaultConfig()))));
});

export const setConfigure: Handler = ownerOnly((server, pep, ctx, el) => {
  const node = nodeOf(el);
  if (typeof node !== 'string') return replyError(server, ctx, node);
  const config = pep.config(ctx.target.local, node);
  if (!config) return replyError(server, ctx, err('item-not-found'));
  const form = readForm(el);
  if (!form) return replyError(server, ctx, err('bad-request', undefined, 'configure needs a data form'));
  const r = applyConfigForm(config, form);
  if (!r.ok) return replyError(server, ctx, err(r.error, undefined, r.text));
  done(server, ctx, pep.configure(ctx.target.local, node, r.config));
});

export const deleteNode: Handler = ownerOnly((server, pep, ctx, el) => {
  const node = nodeOf(el);
  if (typeof node !== 'string') return replyError(server, ctx, node);
  done(server, ctx, pep.delete(ctx.target.local, node));
});

export const purge: Handler = ownerOnly((server, pep, ctx, el) => {
  const node = nodeOf(el);
  if (typeof node !== 'string') return replyError(server, ctx, node);
  done(server, ctx, pep.purge(ctx.target.local, node));
});
