// XEP-0191 Blocking Command, one list for both protocols: JIDs that stand for a Matrix user (a
// local account, a remote XMPP user's puppet, a remote Matrix user on the gateway domain) are
// kept in the account's m.ignored_user_list account data, so Element and an XMPP client show
// and edit the same list; anything else (domains, full JIDs) is kept in the account store.
//
// Enforcement (§3.3) is a message and presence hook run before delivery: stanzas from a blocked
// JID to the account get <service-unavailable/> (messages) or silence (presence); stanzas the
// account sends to a JID it blocked get <not-acceptable/> with <blocked/>. Not covered: iqs
// (the router routes them without hooks) and presence broadcast (the presence module fans it
// out). Messages a blocked user sends from a Matrix client are held back from the
// account's XMPP sessions by one call in rfc6121-messages.ts (blockedByRecipient).
import { randomBytes } from 'node:crypto';
import { gatewayDomain, gatewayJid, jidOfPuppet, mxidOfGatewayJid, puppetUserId } from '../../core/addresses.js';
import type { JsonObject } from '../../core/events/types.js';
import type { CoreServices } from '../../core/services.js';
import { mayReplyWithError, NS_STANZA_ERRORS, stanzaError } from '../errors.js';
import { Jid } from '../jid.js';
import type { IqContext, ModuleApi, StanzaContext, XmppModule } from '../module.js';
import { x, type XmlElement } from '../xml/element.js';

export const NS_BLOCKING = 'urn:xmpp:blocking';
export const NS_BLOCKING_ERRORS = 'urn:xmpp:blocking:errors';
const KV_NS = 'blocklist';
const IGNORED = 'm.ignored_user_list';
/** Before the IM and MUC handlers: a blocked stanza must never reach them. */
const PRIORITY = 5000;

/** XEP-0191 §5 (as XEP-0016): full JID, bare JID, domain/resource, or a whole domain. */
export function blockMatches(item: Jid, jid: Jid): boolean {
  if (item.domain !== jid.domain) return false;
  if (item.local !== '') return item.local === jid.local && (item.resource === '' || item.resource === jid.resource);
  if (item.resource !== '') return jid.local === '' && item.resource === jid.resource;
  return true;
}

/**
 * The XMPP-only part of each account's list, as read, per server: it is read for every message
 * routed, and change() is its only writer.
 */
const ownLists = new WeakMap<CoreServices, Map<string, string[]>>();

/** The blocklists of the accounts, read from and written to both stores. */
export class Blocklists {
  private readonly ownCache: Map<string, string[]>;

  constructor(private readonly core: CoreServices) {
    let cache = ownLists.get(core);
    if (!cache) ownLists.set(core, (cache = new Map()));
    this.ownCache = cache;
  }

  private get serverName(): string { return this.core.config.server_name; }

  /** The Matrix user a JID stands for, when it is a bare user JID that has one. */
  mxidOf(jid: Jid): string | null {
    if (jid.local === '' || jid.resource !== '') return null;
    if (jid.domain === this.serverName) return this.core.accounts.active(jid.local) ? this.core.accounts.userId(jid.local) : null;
    if (jid.domain === gatewayDomain(this.serverName)) return mxidOfGatewayJid(jid.bareString(), this.serverName);
    return puppetUserId(jid.bareString(), this.serverName);
  }

  jidOfMxid(mxid: string): string | null {
    const puppet = jidOfPuppet(mxid, this.serverName);
    if (puppet) return puppet;
    const lp = this.core.accounts.localpartOf(mxid);
    return lp ? `${lp}@${this.serverName}` : gatewayJid(mxid, this.serverName);
  }

  private ignored(username: string): JsonObject {
    const content = this.core.accountData.get(this.core.accounts.userId(username), IGNORED);
    const users = content?.ignored_users;
    return users && typeof users === 'object' && !Array.isArray(users) ? (users as JsonObject) : {};
  }

  private own(username: string): string[] {
    let list = this.ownCache.get(username);
    if (list === undefined) this.ownCache.set(username, (list = this.ownStored(username)));
    return list;
  }

  private ownStored(username: string): string[] {
    try {
      const v: unknown = JSON.parse(this.core.storage.kv.get(KV_NS, username) ?? '[]');
      return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Whether the account blocked a Matrix user (ignored it on Matrix, or blocked its JID on XMPP). */
  blocksUser(username: string, mxid: string): boolean {
    if (Object.hasOwn(this.ignored(username), mxid)) return true;
    const jid = Jid.parse(this.jidOfMxid(mxid) ?? '');
    return jid !== null && this.isBlocked(username, jid);
  }

  list(username: string): string[] {
    const fromMatrix = Object.keys(this.ignored(username)).map((m) => this.jidOfMxid(m)).filter((j): j is string => j !== null);
    return [...new Set([...this.own(username), ...fromMatrix])];
  }

  isBlocked(username: string, jid: Jid): boolean {
    if (this.own(username).length === 0 && Object.keys(this.ignored(username)).length === 0) return false;
    return this.list(username).some((s) => { const item = Jid.parse(s); return item !== null && blockMatches(item, jid); });
  }

  /** Adds or removes JIDs ('all' removes every one). */
  async change(username: string, add: boolean, jids: Jid[] | 'all'): Promise<void> {
    const userId = this.core.accounts.userId(username);
    const users = { ...this.ignored(username) };
    let own = [...this.own(username)]; // a copy: the cached list changes only when the write commits
    if (jids === 'all') {
      own = [];
      for (const k of Object.keys(users)) delete users[k];
    } else {
      for (const j of jids) {
        const mxid = this.mxidOf(j);
        const s = j.toString();
        if (mxid) {
          if (add) users[mxid] = {};
          else delete users[mxid];
        } else if (add) {
          if (!own.includes(s)) own.push(s);
        } else {
          own = own.filter((o) => o !== s);
        }
      }
    }
    const newOwn = own;
    await this.core.storage.writes.enqueue(() => {
      this.core.storage.kv.put(KV_NS, username, JSON.stringify(newOwn));
      this.ownCache.set(username, newOwn);
    });
    const before = this.core.accountData.get(userId, IGNORED);
    if (JSON.stringify(before?.ignored_users ?? {}) !== JSON.stringify(users)) {
      await this.core.accountData.put(userId, IGNORED, { ...(before ?? {}), ignored_users: users });
    }
  }
}

export function blockingModule(core: CoreServices): XmppModule {
  const lists = new Blocklists(core);
  /** Sessions that asked for the list get the pushes (§3.3, §3.4). */
  const listeners = new Set<string>();
  return {
    name: 'xep-0191-blocking',
    load(server) {
      server.features.add(NS_BLOCKING);
      server.accountFeatures.add(NS_BLOCKING);
      server.onSessionClosed((s) => listeners.delete(s.jid));
      server.iq(`blocklist ${NS_BLOCKING}`, 'get', (ctx) => {
        if (!ownAccount(ctx)) return;
        listeners.add(ctx.from.toString());
        ctx.result(x('blocklist', { xmlns: NS_BLOCKING }, lists.list(ctx.from.local).map((jid) => x('item', { jid }))));
      }, 'bare');
      for (const op of ['block', 'unblock'] as const) {
        server.iq(`${op} ${NS_BLOCKING}`, 'set', (ctx) => {
          if (!ownAccount(ctx)) return;
          const items = ctx.payload.getChildren('item', NS_BLOCKING);
          if (op === 'block' && items.length === 0) return ctx.error('bad-request', 'block needs at least one item');
          const jids = items.map((i) => Jid.parse(i.attr('jid') ?? ''));
          if (jids.some((j) => j === null)) return ctx.error('jid-malformed', 'an item has no valid jid');
          const target = items.length === 0 ? 'all' : (jids as Jid[]);
          const affected = target === 'all' ? lists.list(ctx.from.local).map((s) => Jid.parse(s)).filter((j): j is Jid => j !== null) : target;
          lists.change(ctx.from.local, op === 'block', target).then(() => {
            ctx.result();
            presenceOnChange(server, core, ctx.from.local, op, affected);
            push(server, listeners, ctx.from.bareString(), x(op, { xmlns: NS_BLOCKING }, (jids as Jid[]).map((j) => x('item', { jid: j.toString() }))));
          }, (err: unknown) => {
            server.logger.warn({ err }, 'blocking: storing the list failed');
            ctx.error('internal-server-error');
          });
        }, 'bare');
      }
      server.message((ctx) => enforce(server, lists, ctx, 'message'), PRIORITY);
      server.presence((ctx) => enforce(server, lists, ctx, 'presence'), PRIORITY);
    },
  };
}

/**
 * §3.3/§3.4: a blocked contact that may see the account's presence sees it go offline; on
 * unblocking it gets the current presence again (a probe on its behalf, answered by the presence
 * module under the usual subscription rules). Local contacts only: there is no s2s yet.
 */
function presenceOnChange(server: ModuleApi, core: CoreServices, user: string, op: 'block' | 'unblock', jids: Jid[]): void {
  const bare = `${user}@${server.domain}`;
  for (const j of jids) {
    if (j.local === '' || j.domain !== server.domain) continue;
    const contact = j.bareString();
    const sub = core.storage.roster.item(user, contact)?.subscription;
    if (sub !== 'from' && sub !== 'both') continue;
    if (op === 'block') {
      for (const s of server.sessionsOf(bare)) server.route(x('presence', { type: 'unavailable', from: s.jid, to: j.toString() }));
    } else {
      server.route(x('presence', { type: 'probe', from: contact, to: bare }));
    }
  }
}

function ownAccount(ctx: IqContext): boolean {
  if (ctx.session && ctx.target.bareString() === ctx.from.bareString()) return true;
  ctx.error('forbidden', 'only your own blocklist');
  return false;
}

function push(server: ModuleApi, listeners: Set<string>, bare: string, payload: XmlElement): void {
  for (const s of server.sessionsOf(bare)) {
    if (!listeners.has(s.jid)) continue;
    s.send(x('iq', { type: 'set', to: s.jid, id: `block-${randomBytes(6).toString('hex')}` }, payload));
  }
}

/** True (taken) when the stanza is blocked in either direction. */
function enforce(server: ModuleApi, lists: Blocklists, ctx: StanzaContext, kind: 'message' | 'presence'): boolean {
  const { to, from, stanza } = ctx;
  if (!to || to.bareString() === from.bareString()) return false; // never between one's own resources
  try {
    // Outbound: the sender blocked the recipient (§3.3, last rule).
    if (ctx.session && from.domain === server.domain && lists.isBlocked(from.local, to)) {
      if (mayReplyWithError(stanza)) {
        ctx.session.send(blockedError(stanza));
      }
      return true;
    }
    // Inbound: the recipient blocked the sender. Presence is dropped without a word.
    if (to.domain === server.domain && to.local !== '' && server.userExists(to.local) && lists.isBlocked(to.local, from)) {
      if (kind === 'message' && mayReplyWithError(stanza)) server.route(stanzaError(stanza, undefined, 'service-unavailable'));
      return true;
    }
  } catch (err) {
    server.logger.warn({ err }, 'blocking: check failed');
  }
  return false;
}

/** <not-acceptable/> with the application condition <blocked/> (§3.3, Example 8). */
export function blockedError(stanza: XmlElement): XmlElement {
  return x(stanza.name, { type: 'error', id: stanza.attr('id'), from: stanza.attr('to'), to: stanza.attr('from') },
    x('error', { type: 'cancel' }, x('not-acceptable', { xmlns: NS_STANZA_ERRORS }), x('blocked', { xmlns: NS_BLOCKING_ERRORS })));
}

/** For live delivery of room events to XMPP: whether the recipient account blocked the sender. */
export function blockedByRecipient(core: CoreServices, recipient: string, senderMxid: string): boolean {
  return new Blocklists(core).blocksUser(recipient, senderMxid);
}
