// The PEP service proper (XEP-0163 over the XEP-0060 subset it needs): nodes and items of one
// account, with access checks and notification fan-out. Protocol parsing lives in index.ts;
// other modules (vCard avatars, bookmarks) publish through this class too, so every change
// reaches subscribers the same way.
import { randomUUID } from 'node:crypto';
import type { PepItemRecord, PepStore } from '../../../core/ports.js';
import type { StanzaErrorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { accessModelOf, checkPreconditions, defaultConfig, flag, maxItemsOf, type NodeConfig } from './node-config.js';
import type { SubmittedForm } from './forms.js';
import { loadXml, storeXml } from './stored-xml.js';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const NS_PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';

export interface PepError { condition: StanzaErrorCondition; app?: string; text?: string }
export type PepResult<T> = { ok: true; value: T } | { ok: false; err: PepError };
const fail = (condition: StanzaErrorCondition, app?: string, text?: string): { ok: false; err: PepError } => ({ ok: false, err: { condition, app, text } });
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** Nodes per account; clients use a dozen or so, this only stops a runaway one. */
export const MAX_NODES = 500;

export interface PepItem { id: string; payload: XmlElement; publisher: string }

/** What the service needs to know of the world, and how it tells it about changes. */
export interface PepHost {
  /** Whether the requester (bare JID) receives the owner's presence (subscription from/both). */
  seesPresence(owner: string, requesterBare: string): boolean;
  /** Sends an event to whoever should get it (owner's resources, contacts with +notify). */
  notify(owner: string, node: string, config: NodeConfig, event: XmlElement): void;
}

/** `itemId`: the item just published, when the change was a publication. */
export type ChangeListener = (owner: string, node: string, itemId?: string) => void;

export class PepService {
  private readonly listeners: ChangeListener[] = [];

  constructor(private readonly store: PepStore, private readonly host: PepHost, private readonly domain: string) {}

  /** Called after any change of a node's items (bookmark and avatar sync hook in here). */
  onChange(fn: ChangeListener): void { this.listeners.push(fn); }

  /** Whether the requester (bare JID) has a presence subscription to the owner. */
  seesPresence(owner: string, requesterBare: string): boolean { return this.host.seesPresence(owner, requesterBare); }

  config(owner: string, node: string): NodeConfig | null { return this.store.getNode(owner, node); }
  nodes(owner: string): string[] { return this.store.nodes(owner); }

  /** XEP-0060 §6.5.1-style access check for reading items of a node. */
  checkAccess(owner: string, config: NodeConfig, requesterBare: string): PepError | null {
    if (requesterBare === `${owner}@${this.domain}`) return null;
    const model = accessModelOf(config);
    if (model === 'open') return null;
    if (model === 'presence') {
      return this.host.seesPresence(owner, requesterBare) ? null : { condition: 'not-authorized', app: 'presence-subscription-required' };
    }
    return { condition: 'not-allowed', app: 'closed-node' };
  }

  publish(owner: string, publisher: string, node: string, id: string | undefined, payload: XmlElement, payloadNs: string,
    options?: SubmittedForm): PepResult<string> {
    let config = this.store.getNode(owner, node);
    if (options) {
      const pre = checkPreconditions(config, options);
      if (!pre.ok) return pre.error === 'bad-request' ? fail('bad-request', undefined, pre.text) : fail('conflict', 'precondition-not-met', pre.text);
      config = pre.config;
    }
    if (!this.store.getNode(owner, node)) {
      if (this.store.nodes(owner).length >= MAX_NODES) return fail('not-allowed', 'max-nodes-exceeded');
      this.store.putNode(owner, node, config ?? defaultConfig());
    }
    config ??= defaultConfig();
    const itemId = id ?? randomUUID();
    this.store.putItem(owner, node, { id: itemId, payload: storeXml(payload, payloadNs), publisher, ts: Date.now() }, maxItemsOf(config));
    const item = x('item', { id: itemId, publisher }, flag(config, 'pubsub#deliver_payloads') ? payload.withAttrs({ xmlns: payloadNs }) : null);
    this.host.notify(owner, node, config, x('event', { xmlns: NS_PUBSUB_EVENT }, x('items', { node }, item)));
    this.changed(owner, node, itemId);
    return ok(itemId);
  }

  retract(owner: string, node: string, id: string, notify: boolean): PepResult<null> {
    const config = this.store.getNode(owner, node);
    if (!config) return fail('item-not-found');
    if (!this.store.retract(owner, node, id)) return fail('item-not-found');
    if (notify || flag(config, 'pubsub#notify_retract')) {
      this.host.notify(owner, node, config, x('event', { xmlns: NS_PUBSUB_EVENT }, x('items', { node }, x('retract', { id }))));
    }
    this.changed(owner, node);
    return ok(null);
  }

  /** Items newest first; `ids` picks some, `max` keeps the newest few. */
  items(owner: string, node: string, ids: string[], max: number | undefined): PepItem[] {
    const records = ids.length > 0
      ? ids.map((i) => this.store.item(owner, node, i)).filter((r): r is PepItemRecord => r !== null)
      : this.store.items(owner, node, max);
    return records.map((r) => ({ id: r.id, payload: loadXml(r.payload), publisher: r.publisher }));
  }

  create(owner: string, node: string, config: NodeConfig | null): PepResult<null> {
    if (this.store.getNode(owner, node)) return fail('conflict');
    if (this.store.nodes(owner).length >= MAX_NODES) return fail('not-allowed', 'max-nodes-exceeded');
    this.store.putNode(owner, node, config ?? defaultConfig());
    return ok(null);
  }

  configure(owner: string, node: string, config: NodeConfig): PepResult<null> {
    if (!this.store.getNode(owner, node)) return fail('item-not-found');
    this.store.putNode(owner, node, config);
    // A smaller max_items applies at once to what is kept.
    const keep = maxItemsOf(config);
    const items = this.store.items(owner, node);
    for (const r of items.slice(keep)) this.store.retract(owner, node, r.id);
    if (flag(config, 'pubsub#notify_config')) {
      this.host.notify(owner, node, config, x('event', { xmlns: NS_PUBSUB_EVENT }, x('configuration', { node })));
    }
    return ok(null);
  }

  delete(owner: string, node: string): PepResult<null> {
    const config = this.store.getNode(owner, node);
    if (!config) return fail('item-not-found');
    this.store.deleteNode(owner, node);
    if (flag(config, 'pubsub#notify_delete')) this.host.notify(owner, node, config, x('event', { xmlns: NS_PUBSUB_EVENT }, x('delete', { node })));
    this.changed(owner, node);
    return ok(null);
  }

  purge(owner: string, node: string): PepResult<null> {
    const config = this.store.getNode(owner, node);
    if (!config) return fail('item-not-found');
    this.store.purge(owner, node);
    this.host.notify(owner, node, config, x('event', { xmlns: NS_PUBSUB_EVENT }, x('purge', { node })));
    this.changed(owner, node);
    return ok(null);
  }

  /** The event carrying a node's last item, for "send last published item" (XEP-0163 §4.3.4). */
  lastItemEvent(owner: string, node: string): XmlElement | null {
    const [last] = this.items(owner, node, [], 1);
    if (!last) return null;
    return x('event', { xmlns: NS_PUBSUB_EVENT }, x('items', { node }, x('item', { id: last.id, publisher: last.publisher }, last.payload)));
  }

  private changed(owner: string, node: string, itemId?: string): void {
    for (const fn of this.listeners) fn(owner, node, itemId);
  }
}
