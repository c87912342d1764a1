// The XMPP front end, wired: the TLS certificate, the server core (router and sessions), every
// module, and the client listeners. `xmppModules` is the one list of what the server does.
import { resolve } from 'node:path';
import type { CoreServices } from '../core/services.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { startC2sListeners, type C2sListeners } from './listeners/c2s.js';
import { startComponentListener } from './listeners/component.js';
import { createWebSocketEndpoint, WEBSOCKET_PATH, type WebSocketEndpoint } from './listeners/websocket.js';
import { HOST_META_JSON_PATH, HOST_META_PATH, hostMetaHandler, websocketUrlFor } from './modules/xep-0156-host-meta.js';
import type { XmppModule } from './module.js';
import { discoModule } from './modules/xep-0030-disco.js';
import { pingModule } from './modules/xep-0199-ping.js';
import { mucModule } from './modules/xep-0045-muc/index.js';
import { rosterModule } from './modules/rfc6121-roster.js';
import { presenceModule } from './modules/rfc6121-presence.js';
import { messagesModule } from './modules/rfc6121-messages.js';
import { offlineModule, OfflineQueue } from './modules/offline.js';
import { uploadModule } from './modules/xep-0363-upload/index.js';
import { mamModule } from './modules/xep-0313-mam/index.js';
import { blockingModule } from './modules/xep-0191-blocking.js';
import { versionModule } from './modules/xep-0092-version.js';
import { contactModule } from './modules/xep-0157-contact.js';
import { extdiscoModule } from './modules/xep-0215-extdisco.js';
import { registerModule } from './modules/xep-0077-register/index.js';
import { capsModule } from './modules/xep-0115-caps.js';
import { carbonsModule } from './modules/xep-0280-carbons.js';
import { pushModule } from './modules/xep-0357-push/index.js';
import { endResumableSessions } from './modules/xep-0198-sm/stream-sm.js';
import { createPepService, pepModule } from './modules/xep-0163-pep/index.js';
import { mdsModule } from './modules/xep-0490-mds.js';
import { VcardBook, vcardModule } from './modules/xep-0054-vcard.js';
import { vcardAvatarsModule } from './modules/xep-0153-vcard-avatars.js';
import { avatarConversionModule } from './modules/xep-0398-avatar-conversion.js';
import { MatrixAvatar, matrixAvatarModule } from './modules/xep-0398-matrix-avatar.js';
import { privateModule } from './modules/xep-0049-private.js';
import { BookmarkSync, bookmarksModule, bookmarksPrivateNamespace } from './modules/xep-0402-bookmarks/index.js';
import { NS_BOOKMARKS } from './modules/xep-0402-bookmarks/convert.js';
import { createImContext, type ImContext } from './modules/presence/context.js';
import { XmppServer } from './router.js';
import type { C2sAuthBackend } from './stream/types.js';
import { ensureCertificate } from './tls/certificate.js';

export interface RunningXmpp {
  /** The bound ports (the real ones when the config asked for port 0); null for a listener that is off. */
  ports: { starttls: number | null; tls: number | null; component: number | null };
  server: XmppServer;
  /**
   * What XMPP serves on the HTTP listener (WebSocket, host-meta), for the composition root to
   * mount; `publicBaseUrl` is where clients reach that listener.
   */
  httpMounts(publicBaseUrl: () => string): HttpMount[];
  close(): Promise<void>;
}

export interface HttpMount {
  path: string;
  request?(req: IncomingMessage, res: ServerResponse): void;
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * Every module, in load order. MUC comes first: hooks run by priority, but session-end handlers
 * run in load order, and a room must see its occupant's session end before anything else reacts.
 */
export function xmppModules(core: CoreServices, im: ImContext): XmppModule[] {
  const offline = new OfflineQueue(im);
  const pep = createPepService(im);
  const vcards = new VcardBook(core);
  const avatars = new MatrixAvatar(core, vcards);
  const bookmarks = new BookmarkSync(pep, im.server.domain);
  return [
    mucModule(core, offline),
    discoModule,
    pingModule,
    rosterModule(im),
    presenceModule(im),
    messagesModule(im, offline),
    offlineModule(im, offline),
    uploadModule(core),
    mamModule(im),
    pepModule(im, pep),
    vcardModule(core, vcards, avatars),
    matrixAvatarModule(core, avatars, vcards, im.onClose),
    vcardAvatarsModule(vcards),
    avatarConversionModule(pep, vcards),
    privateModule(core.storage.privateXml, new Map([[NS_BOOKMARKS, bookmarksPrivateNamespace(bookmarks)]])),
    bookmarksModule(pep, bookmarks),
    mdsModule(im, pep),
    capsModule,
    carbonsModule,
    pushModule(im),
    blockingModule(core),
    versionModule(),
    contactModule(core.config.xmpp.contact_addresses),
    extdiscoModule(core.config.xmpp.external_services),
    registerModule(core),
  ];
}

/** Accounts that may log in: active ones, with their stored SCRAM keys (and XEP-0484 FAST tokens, cleared when they are deactivated). */
export function authBackend(core: CoreServices): C2sAuthBackend {
  return {
    scramCredential: (username, hash) => (core.accounts.active(username) ? core.accounts.credential(username, hash) : null),
    disabled: (username) => core.accounts.restriction(username) === 'locked',
    fastTokens: core.storage.fastTokens,
  };
}

/**
 * Which local accounts exist, asked twice for every 1:1 message (recipient, blocking): known
 * active accounts are remembered, so that only the first question reads the database. An account
 * leaves the set when this process settles its deactivation (at once for the Matrix and admin
 * APIs, at the next sweep for the CLI, which is also when its sessions end and it leaves its rooms).
 */
function activeAccounts(core: CoreServices): { has: (localpart: string) => boolean; forget: (localpart: string) => void } {
  const known = new Set<string>();
  return {
    has(localpart) {
      if (known.has(localpart)) return true;
      if (core.accounts.active(localpart) === null) return false;
      known.add(localpart);
      return true;
    },
    forget: (localpart) => { known.delete(localpart); },
  };
}

export async function startXmpp(core: CoreServices): Promise<RunningXmpp> {
  const { config } = core;
  const logger = core.logger.child({ part: 'xmpp' });
  const tls = await ensureCertificate(resolve(config.data_dir), [config.server_name, config.mucDomain]);
  const active = activeAccounts(core);
  const server = new XmppServer({ domain: config.server_name, logger, userExists: active.has });
  const im = createImContext(core, server);
  const modules = xmppModules(core, im);
  for (const m of modules) server.load(m);
  // RFC 6120 §4.9.3.10 not-authorized: the account behind the stream no longer exists.
  core.deactivations.onDeactivated((localpart) => {
    active.forget(localpart);
    for (const s of server.sessionsOf(`${localpart}@${server.domain}`)) s.close('not-authorized', 'the account was deactivated');
  });
  core.accounts.onLocked((localpart) => {
    for (const s of server.sessionsOf(`${localpart}@${server.domain}`)) s.close('not-authorized', 'the account was locked');
  });

  const starttls = config.xmpp.c2s_listen ?? undefined;
  const direct = config.xmpp.c2s_tls_listen ?? undefined;
  let listeners: C2sListeners | null = null;
  if (starttls || direct) {
    listeners = await startC2sListeners({
      domain: server.domain, starttlsListen: starttls, tlsListen: direct, tls,
      allowInsecureAuth: config.xmpp.allow_insecure_auth, maxStanzaSize: config.xmpp.max_stanza_bytes,
      auth: authBackend(core), host: server, logger,
    });
  }
  const components = config.xmpp.component_listen ? await startComponentListener({
    listen: config.xmpp.component_listen, components: config.xmpp.components, server, logger, maxStanzaSize: config.xmpp.max_stanza_bytes,
  }) : null;
  const websocket: WebSocketEndpoint | null = config.xmpp.websocket ? createWebSocketEndpoint({
    domain: server.domain, maxStanzaSize: config.xmpp.max_stanza_bytes, auth: authBackend(core), host: server, logger,
    trustedProxies: config.xmpp.websocket_trusted_proxies,
  }) : null;
  return {
    ports: {
      starttls: listeners?.addresses.starttls?.port ?? null, tls: listeners?.addresses.tls?.port ?? null,
      component: components?.address.port ?? null,
    },
    server,
    httpMounts(publicBaseUrl) {
      if (!websocket) return [];
      const hostMeta = hostMetaHandler(() => websocketUrlFor(publicBaseUrl(), WEBSOCKET_PATH));
      return [
        { path: WEBSOCKET_PATH, upgrade: (req, socket, head) => websocket.handleUpgrade(req, socket, head) },
        { path: HOST_META_PATH, request: hostMeta },
        { path: HOST_META_JSON_PATH, request: hostMeta },
      ];
    },
    async close() {
      await websocket?.close();
      // Streams end first: their sessions' last presence and offline positions are written then.
      await listeners?.close();
      await components?.close();
      endResumableSessions(server); // XEP-0198 sessions whose connection is away
      im.close();
    },
  };
}
