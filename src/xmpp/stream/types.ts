// The contract between a client stream and the rest of the server. The stream negotiates and
// authenticates; the host (the router) owns sessions and what happens to stanzas.
import type { ScramCredential } from '../../core/accounts/scram.js';
import type { FastTokenStore } from '../../core/ports.js';
import type { StreamErrorCondition } from '../errors.js';
import type { XmlElement } from '../xml/element.js';

export interface C2sAuthBackend {
  /** The account's SCRAM credential for that hash, or null when no such (active) account. */
  scramCredential(username: string, hash: 'sha1' | 'sha256'): ScramCredential | null;
  /** A locked account: authentication fails with account-disabled (RFC 6120 §6.5.1). */
  disabled?(username: string): boolean;
  /** Where XEP-0484 FAST tokens are kept; FAST is offered only with it. */
  fastTokens?: FastTokenStore;
}

export interface C2sSessionHost {
  /** After bind: claim the full JID. Return the resource to use, or 'conflict' to refuse. The host may kick an older session with the same resource instead (RFC 6120 §7.7.2.2: Prosody's default is to replace the old session). */
  bind(session: C2sSession, resource: string): string | 'conflict';
  /** Every stanza after bind, `from` already stamped. */
  stanza(session: C2sSession, el: XmlElement): void;
  /** Exactly once, when the session ends for any reason (after bind only). */
  closed(session: C2sSession): void;
  /** Extra post-authentication stream features (XEP-0115 caps of the server). */
  streamFeatures?(): XmlElement[];
  /** Pre-authentication stream features (XEP-0077 in-band registration). */
  preAuthFeatures?(): XmlElement[];
  /** Session features modules let a XEP-0386 Bind 2 request enable inline (their namespaces). */
  bind2Features?(): string[];
  /** One such request (e.g. XEP-0280 <enable/>) for a just bound session; returns what goes into <bound/>, if anything. */
  bind2Request?(session: C2sSession, el: XmlElement): XmlElement | null;
  /** What modules add to every Bind 2 <bound/> for a just bound session (XEP-0313 metadata). */
  bind2BoundExtras?(session: C2sSession): XmlElement[];
  /** An iq before authentication (XEP-0077 registration); true when the host answered it, else the stream ends. */
  preAuthIq?(el: XmlElement, stream: PreAuthStream): boolean;
}

/** What a pre-authentication iq handler may know of and do with the stream. */
export interface PreAuthStream {
  /** Encrypted, or on a listener that allows authentication without TLS. */
  readonly secure: boolean;
  /** Per-stream state kept across pre-auth iqs (e.g. an accepted XEP-0445 invitation). */
  readonly data: Map<string, unknown>;
  send(el: XmlElement): void;
}

/** One authenticated client connection, as the host and modules see it. */
export interface C2sSession {
  /** Full JID (`user@domain/resource`); '' before bind. */
  readonly jid: string;
  /** `user@domain`; '' before authentication. */
  readonly bareJid: string;
  /** Account localpart; '' before authentication. */
  readonly username: string;
  /** '' before bind. */
  readonly resource: string;
  /** True when the connection is encrypted (direct TLS or after STARTTLS). */
  readonly isTls: boolean;
  /** Free per-session state for modules (e.g. 'presence', 'carbons'); namespaced keys please. */
  readonly data: Map<string, unknown>;
  /** Writes an element (or pre-serialized XML, for fan-out) to the client; false once closed. */
  send(el: XmlElement | string): boolean;
  /**
   * Declares asynchronous work that handling the current stanza started (a room write): XEP-0198
   * acknowledges the stanza only once it has finished. Call it synchronously while handling.
   */
  hold?(work: Promise<unknown>): void;
  /** Ends the stream, with a stream error when a condition is given. */
  close(condition?: StreamErrorCondition, text?: string): void;
}

export interface C2sLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface C2sStreamOptions {
  domain: string;
  auth: C2sAuthBackend;
  host: C2sSessionHost;
  /** Needed to offer STARTTLS; absent means STARTTLS is not offered. */
  secureContext?: import('node:tls').SecureContext;
  /** The socket is already TLS (XEP-0368 direct TLS). */
  directTls: boolean;
  /** Allow SASL (and PLAIN) without TLS; only for loopback listeners. */
  allowInsecureAuth: boolean;
  maxStanzaSize: number;
  logger: C2sLogger;
  /** Time allowed from connect to resource bound (ms). Default 60 s. */
  negotiationTimeoutMs?: number;
  /** Failed SASL attempts allowed per stream before it is closed. Default 3. */
  maxAuthFailures?: number;
  /** Bytes queued to a slow reader before the session is dropped. Default 4 MiB. */
  maxWriteBuffer?: number;
}
