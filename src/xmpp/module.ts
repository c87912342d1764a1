// The module API, in the spirit of Prosody's moduleapi: a feature is one file exporting an
// XmppModule whose load() registers handlers and disco entries on the server it is given.
import type { StanzaErrorCondition, StanzaErrorType } from './errors.js';
import type { Jid } from './jid.js';
import type { C2sLogger, C2sSession, PreAuthStream } from './stream/types.js';
import type { XmlElement, XmlNode } from './xml/element.js';

export interface XmppModule {
  readonly name: string;
  load(server: ModuleApi): void;
}

export interface StanzaContext {
  /** The stanza, `from` already stamped for client stanzas. */
  readonly stanza: XmlElement;
  readonly from: Jid;
  /** null when the stanza had no 'to' (it is then for the sender's own account, RFC 6120 §10.3). */
  readonly to: Jid | null;
  /** The local session it came from, when it came from a client. */
  readonly session?: C2sSession;
}

export interface IqContext extends StanzaContext {
  /** The single child of the get/set. */
  readonly payload: XmlElement;
  /** Whom the iq is for: this server (host) or an account on it (bare JID; sender's own when no 'to'). */
  readonly target: Jid;
  /** Replies type='result' with these children. */
  result(...children: (XmlNode | null | undefined)[]): void;
  /** Replies with a stanza error (type defaults from the condition). */
  error(condition: StanzaErrorCondition, text?: string, type?: StanzaErrorType): void;
}

export type IqType = 'get' | 'set';
/** 'host': iq to the server domain; 'bare': to an account's bare JID (or with no 'to'). */
export type IqScope = 'host' | 'bare' | 'both';
export type IqHandler = (ctx: IqContext) => void;
/** Return true when the stanza was fully handled; later handlers and default routing are skipped. */
export type StanzaHandler = (ctx: StanzaContext) => boolean | void;
export type SessionHandler = (session: C2sSession) => void;

export interface PreAuthHandler {
  features(): XmlElement[];
  /** True when the iq was answered (through stream.send). */
  iq(el: XmlElement, stream: PreAuthStream): boolean;
}

export interface DiscoIdentity { category: string; type: string; name?: string }
export interface DiscoItem { jid: string; name?: string; node?: string }

/** A small keyed set for disco identities and items (the same entry twice is kept once). */
export class DiscoList<T extends object> {
  private readonly entries = new Map<string, T>();
  add(entry: T): void { this.entries.set(JSON.stringify(entry), entry); }
  remove(entry: T): void { this.entries.delete(JSON.stringify(entry)); }
  values(): T[] { return [...this.entries.values()]; }
}

export interface ModuleApi {
  readonly domain: string;
  readonly logger: C2sLogger;
  /** Features of the server's disco#info. */
  readonly features: Set<string>;
  /** Identities of the server's disco#info (server/im is there from the start). */
  readonly identities: DiscoList<DiscoIdentity>;
  /** The server's disco#items (e.g. the MUC service). */
  readonly items: DiscoList<DiscoItem>;
  /** XEP-0128 extended info of the server's disco#info: FORM_TYPE → fields (var → values), e.g. XEP-0157 contacts. */
  readonly infoForms: Map<string, Record<string, string[]>>;
  /** Features answered on behalf of every account's bare JID (e.g. PEP). */
  readonly accountFeatures: Set<string>;

  /** `key` is a payload namespace ('urn:xmpp:ping') or 'name namespace' ('query jabber:iq:roster'). */
  iq(key: string, type: IqType, handler: IqHandler, scope?: IqScope): void;
  /** Sees every routed message first; higher priority runs earlier. */
  message(handler: StanzaHandler, priority?: number): void;
  presence(handler: StanzaHandler, priority?: number): void;
  /** Runs after a resource is bound (session.jid is set by then). */
  onSessionBound(handler: SessionHandler): void;
  onSessionClosed(handler: SessionHandler): void;

  /** Adds an element to the post-authentication stream features (computed at each stream). */
  streamFeature(provider: () => XmlElement | null): void;

  /** Lets a XEP-0386 Bind 2 request enable this session feature inline (advertised in the bind feature). */
  bind2Inline(ns: string, handler: (session: C2sSession, el: XmlElement) => XmlElement | null): void;
  /** Adds to every XEP-0386 <bound/> (XEP-0313 archive metadata), computed at the moment of binding. */
  bind2Bound(provider: (session: C2sSession) => XmlElement | null): void;

  /** Handles iqs before authentication and adds pre-authentication stream features (XEP-0077); one handler. */
  preAuth(handler: PreAuthHandler): void;

  /** Stanzas for a hosted service domain (e.g. 'conference.example.org') go to this handler. */
  component(domain: string, handler: (ctx: StanzaContext) => void): void;
  /** Stanzas for any other domain (server-to-server, later); without it they bounce. */
  remote(handler: (ctx: StanzaContext) => void): void;

  /** Bound sessions of an account (bare JID), in bind order. */
  sessionsOf(bareJid: string): C2sSession[];
  sessionFor(fullJid: string): C2sSession | undefined;
  /** Delivers to the session of a local full JID; false when there is none. */
  send(toFullJid: string, el: XmlElement): boolean;
  /** Routes a stanza as if it had arrived (hooks, then delivery or an error reply). */
  route(el: XmlElement, session?: C2sSession): void;
  /** Sends an iq get/set from the server and resolves with the result or error stanza. */
  request(iq: XmlElement, timeoutMs?: number): Promise<XmlElement>;
  /** Whether an account exists (for stanzas to bare JIDs). */
  userExists(username: string): boolean;
}
