// What the IM modules (roster, presence, messages, offline) share: the core, the XMPP server's
// module API, who is available, and the roster. Built once in xmpp/index.ts.
import type { CoreServices } from '../../../core/services.js';
import type { Jid } from '../../jid.js';
import type { ModuleApi } from '../../module.js';
import { RosterBook } from './roster-book.js';
import { PresenceTracker } from './state.js';

export interface ImContext {
  core: CoreServices;
  server: ModuleApi;
  tracker: PresenceTracker;
  roster: RosterBook;
  /** An account on this server (the JID's domain is ours and the account exists and is active). */
  isLocalUser(jid: Jid): boolean;
  /** Registers clean-up for when the XMPP side stops (bus subscriptions). */
  onClose(fn: () => void): void;
  close(): void;
}

export function createImContext(core: CoreServices, server: ModuleApi): ImContext {
  const tracker = new PresenceTracker(server);
  const closers: (() => void)[] = [];
  return {
    core, server, tracker,
    onClose: (fn) => { closers.push(fn); },
    close: () => { for (const fn of closers.splice(0)) fn(); },
    roster: new RosterBook(core.storage.roster, core.storage.kv, server, tracker),
    isLocalUser: (jid) => jid.domain === server.domain && jid.local !== '' && server.userExists(jid.local),
  };
}
