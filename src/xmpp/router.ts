// The XMPP server core: the session registry (it is the C2sSessionHost of every client stream),
// the module API, and stanza routing. Routing here is deliberately small: iq to the server or an
// account go to registered handlers (else <service-unavailable/>), anything for a bound full JID
// is delivered, and messages/presence pass through module hooks first (rosters, presence,
// offline storage and carbons are modules on top of this).
import { mayReplyWithError, stanzaError, type StanzaErrorCondition, type StanzaErrorType } from './errors.js';
import { HookList } from './hooks.js';
import { IqHandlers } from './iq-handlers.js';
import { IqTracker } from './iq-tracker.js';
import { Jid, parseJid } from './jid.js';
import {
  DiscoList, type DiscoIdentity, type DiscoItem, type IqContext, type IqHandler, type IqScope, type IqType,
  type ModuleApi, type PreAuthHandler, type SessionHandler, type StanzaContext, type StanzaHandler, type XmppModule,
} from './module.js';
import { SessionRegistry } from './sessions.js';
import type { C2sLogger, C2sSession, C2sSessionHost, PreAuthStream } from './stream/types.js';
import { x, type XmlElement, type XmlNode } from './xml/element.js';

export interface XmppServerOptions {
  domain: string;
  logger: C2sLogger;
  /** Whether an account exists; used for stanzas to bare JIDs. Default: it has a bound session. */
  userExists?: (username: string) => boolean;
  /** A second bind of the same full JID: 'replace' the old session (default, as Prosody) or 'refuse'. */
  resourceConflict?: 'replace' | 'refuse';
}

export type ComponentHandler = (ctx: StanzaContext) => void;

export class XmppServer implements C2sSessionHost, ModuleApi {
  readonly domain: string;
  readonly logger: C2sLogger;
  readonly features = new Set<string>();
  readonly identities = new DiscoList<DiscoIdentity>();
  readonly items = new DiscoList<DiscoItem>();
  readonly accountFeatures = new Set<string>();
  readonly infoForms = new Map<string, Record<string, string[]>>();
  private preAuthHandler: PreAuthHandler | null = null;
  private readonly registry = new SessionRegistry();
  private readonly tracker = new IqTracker();
  private readonly iqHandlers = new IqHandlers();
  private readonly messageHooks = new HookList<StanzaHandler>();
  private readonly presenceHooks = new HookList<StanzaHandler>();
  private readonly boundHooks = new HookList<SessionHandler>();
  private readonly closedHooks = new HookList<SessionHandler>();
  private readonly components = new Map<string, ComponentHandler>();
  private remoteHandler: ComponentHandler | undefined;
  private readonly featureProviders: (() => XmlElement | null)[] = [];
  private readonly bind2Handlers = new Map<string, (session: C2sSession, el: XmlElement) => XmlElement | null>();
  private readonly bind2Providers: ((session: C2sSession) => XmlElement | null)[] = [];

  constructor(private readonly opts: XmppServerOptions) {
    this.domain = opts.domain.toLowerCase();
    this.logger = opts.logger;
    this.identities.add({ category: 'server', type: 'im' });
  }

  load(module: XmppModule): this {
    module.load(this);
    this.logger.debug({ module: module.name }, 'xmpp: module loaded');
    return this;
  }

  // ---- module API ----
  iq(key: string, type: IqType, handler: IqHandler, scope?: IqScope): void { this.iqHandlers.add(key, type, handler, scope); }
  message(handler: StanzaHandler, priority?: number): void { this.messageHooks.add(handler, priority); }
  presence(handler: StanzaHandler, priority?: number): void { this.presenceHooks.add(handler, priority); }
  onSessionBound(handler: SessionHandler): void { this.boundHooks.add(handler); }
  onSessionClosed(handler: SessionHandler): void { this.closedHooks.add(handler); }
  streamFeature(provider: () => XmlElement | null): void { this.featureProviders.push(provider); }
  streamFeatures(): XmlElement[] {
    return this.featureProviders.map((p) => p()).filter((el): el is XmlElement => el !== null);
  }
  bind2Inline(ns: string, handler: (session: C2sSession, el: XmlElement) => XmlElement | null): void { this.bind2Handlers.set(ns, handler); }
  bind2Features(): string[] { return [...this.bind2Handlers.keys()]; }
  bind2Bound(provider: (session: C2sSession) => XmlElement | null): void { this.bind2Providers.push(provider); }
  bind2BoundExtras(session: C2sSession): XmlElement[] {
    return this.bind2Providers.map((p) => p(session)).filter((el): el is XmlElement => el !== null);
  }
  bind2Request(session: C2sSession, el: XmlElement): XmlElement | null {
    return this.bind2Handlers.get(el.xmlns)?.(session, el) ?? null;
  }
  preAuth(handler: PreAuthHandler): void { this.preAuthHandler = handler; }
  preAuthFeatures(): XmlElement[] { return this.preAuthHandler?.features() ?? []; }
  preAuthIq(el: XmlElement, stream: PreAuthStream): boolean { return this.preAuthHandler?.iq(el, stream) ?? false; }
  /** Stanzas for a hosted service domain (e.g. 'conference.example.org') go to its handler. */
  component(domain: string, handler: ComponentHandler): void { this.components.set(domain.toLowerCase(), handler); }
  /** Stanzas for any other domain (server-to-server, later); without it they bounce. */
  remote(handler: ComponentHandler): void { this.remoteHandler = handler; }

  sessionsOf(bareJid: string): C2sSession[] { return this.registry.of(Jid.parse(bareJid)?.bareString() ?? bareJid); }
  sessionFor(fullJid: string): C2sSession | undefined { return this.registry.get(Jid.parse(fullJid)?.toString() ?? fullJid); }
  get sessionCount(): number { return this.registry.size; }

  send(toFullJid: string, el: XmlElement): boolean {
    return this.sessionFor(toFullJid)?.send(el) ?? false;
  }

  userExists(username: string): boolean {
    return this.opts.userExists?.(username) ?? this.sessionsOf(`${username}@${this.domain}`).length > 0;
  }

  request(iq: XmlElement, timeoutMs = 30_000): Promise<XmlElement> {
    const tracked = this.tracker.track(iq.withAttrs({ from: iq.attr('from') ?? this.domain }), timeoutMs);
    this.route(tracked.iq);
    return tracked.answer;
  }

  // ---- C2sSessionHost ----
  bind(session: C2sSession, resource: string): string | 'conflict' {
    const full = `${session.bareJid}/${resource}`;
    const existing = this.registry.get(full);
    if (existing && existing !== session) {
      if (this.opts.resourceConflict === 'refuse') return 'conflict';
      // RFC 6120 §7.7.2.2: the older session gets a <conflict/> stream error.
      existing.close('conflict', 'replaced by a new connection');
      this.registry.remove(existing);
    }
    this.registry.add(session, session.bareJid, resource);
    // The stream records the resource when bind() returns; hooks run once the session is complete.
    queueMicrotask(() => {
      if (this.registry.get(full) === session) this.boundHooks.runAll(this.logger, 'session-bound', session);
    });
    return resource;
  }

  stanza(session: C2sSession, el: XmlElement): void {
    this.route(el, session);
  }

  closed(session: C2sSession): void {
    if (this.registry.remove(session)) this.closedHooks.runAll(this.logger, 'session-closed', session);
  }

  // ---- routing ----
  route(el: XmlElement, session?: C2sSession): void {
    const toAttr = el.attr('to');
    const to = toAttr === undefined ? null : Jid.parse(toAttr);
    // The error must not echo the malformed address back as its 'from'.
    if (toAttr !== undefined && !to) return this.bounce(el.withAttrs({ to: undefined }), 'jid-malformed', 'modify');
    const from = parseJid(el.attr('from')) ?? Jid.parse(this.domain)!;
    const ctx: StanzaContext = { stanza: el, from, to, session };
    if (el.name === 'iq') return this.routeIq(ctx);
    const hooks = el.name === 'message' ? this.messageHooks : el.name === 'presence' ? this.presenceHooks : null;
    if (!hooks) return;
    if (hooks.runUntilHandled(this.logger, el.name, ctx)) return;
    this.deliver(ctx);
  }

  /** Default delivery after the hooks: a bound full JID, a service domain, or an error. */
  private deliver(ctx: StanzaContext): void {
    const { stanza: el, to } = ctx;
    if (to && to.domain !== this.domain) return this.toOtherDomain(ctx, to);
    const target = to && !to.isBare() ? this.registry.get(to.toString()) : undefined;
    if (target) {
      target.send(el);
      return;
    }
    // RFC 6121 §8.5: unhandled presence is dropped; messages and iq requests get an error.
    const type = el.attr('type');
    if (el.name === 'presence' || type === 'headline') return;
    if (el.name === 'iq' && type !== 'get' && type !== 'set') return;
    this.bounce(el, 'service-unavailable');
  }

  private toOtherDomain(ctx: StanzaContext, to: Jid): void {
    const handler = this.components.get(to.domain) ?? this.remoteHandler;
    if (!handler) return this.bounce(ctx.stanza, 'remote-server-not-found');
    try {
      handler(ctx);
    } catch (err) {
      this.logger.warn({ err, to: to.domain }, 'xmpp: domain handler failed');
      this.bounce(ctx.stanza, 'internal-server-error');
    }
  }

  private routeIq(ctx: StanzaContext): void {
    const el = ctx.stanza;
    const type = el.attr('type');
    if (type === 'result' || type === 'error') {
      if (this.tracker.settle(el)) return;
      return this.isLocalTarget(ctx.to) ? undefined : this.deliver(ctx);
    }
    if (type !== 'get' && type !== 'set') return this.bounce(el, 'bad-request', 'modify', 'iq type must be get, set, result or error');
    // RFC 6120 §8.2.3: an id, and exactly one payload child.
    const children = el.elements();
    if (el.attr('id') === undefined || children.length !== 1) return this.bounce(el, 'bad-request', 'modify', 'iq get/set needs an id and exactly one child');
    if (!this.isLocalTarget(ctx.to)) return this.deliver(ctx);
    this.dispatchIq(ctx, type, children[0]!);
  }

  /** No 'to', the server itself, or an account's bare JID on this server. */
  private isLocalTarget(to: Jid | null): boolean {
    return to === null || (to.domain === this.domain && to.isBare());
  }

  private dispatchIq(ctx: StanzaContext, type: IqType, payload: XmlElement): void {
    const el = ctx.stanza;
    const target = ctx.to ?? ctx.from.bare();
    const scope = target.local === '' ? 'host' : 'bare';
    const ns = el.nsOf(payload);
    // With no 'to' the account comes first (RFC 6120 §10.3.3); servers commonly also answer there.
    const handler = this.iqHandlers.find(type, scope, payload.name, ns)
      ?? (ctx.to === null ? this.iqHandlers.find(type, 'host', payload.name, ns) : undefined);
    if (!handler) return this.bounce(el, 'service-unavailable');
    const own = target.equals(ctx.from.bare());
    if (scope === 'bare' && !own && !this.userExists(target.local)) return this.bounce(el, 'service-unavailable');
    try {
      handler(this.iqContext(ctx, payload, target));
    } catch (err) {
      this.logger.warn({ err, ns }, 'xmpp: iq handler failed');
      this.bounce(el, 'internal-server-error');
    }
  }

  private iqContext(ctx: StanzaContext, payload: XmlElement, target: Jid): IqContext {
    const el = ctx.stanza;
    return {
      ...ctx,
      payload,
      target,
      result: (...children: (XmlNode | null | undefined)[]) =>
        this.route(x('iq', { type: 'result', id: el.attr('id'), from: el.attr('to'), to: el.attr('from') }, ...children)),
      error: (condition, text, type) => this.bounce(el, condition, type, text),
    };
  }

  /** Sends the error reply for a stanza, unless it was itself an error (RFC 6120 §8.3.1). */
  private bounce(el: XmlElement, condition: StanzaErrorCondition, type?: StanzaErrorType, text?: string): void {
    if (!mayReplyWithError(el)) return;
    const reply = stanzaError(el, type, condition, text);
    // A reply must never bounce again; when its 'to' is unusable it is simply dropped.
    if (reply.attr('to') !== undefined && Jid.parse(reply.attr('to')!)) this.route(reply);
  }
}
