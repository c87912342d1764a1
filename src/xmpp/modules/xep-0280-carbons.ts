// XEP-0280 Message Carbons: a resource that enables carbons gets a copy of the one-to-one
// messages its account exchanges on its other resources. This file holds the enable/disable
// iq, which messages qualify (§6), the wrapping (§7, §8), and the fan-out to an account's
// carbon-enabled sessions; messages/carbon-hooks.ts calls it where messages are delivered.
import type { ModuleApi, XmppModule } from '../module.js';
import type { C2sSession } from '../stream/types.js';
import { x, type XmlElement } from '../xml/element.js';

export const NS_CARBONS = 'urn:xmpp:carbons:2';
export const NS_FORWARD = 'urn:xmpp:forward:0';
export const NS_HINTS = 'urn:xmpp:hints';
const KEY = 'xep0280.enabled';

export function carbonsEnabled(session: C2sSession): boolean {
  return session.data.get(KEY) === true;
}

/**
 * §6.1: chat messages, and normal ones with a body, are copied; groupchat, headline and error
 * are not; §7.1/§7.2: neither are messages marked <private/> or <no-copy/>, nor carbons themselves.
 */
export function isEligible(el: XmlElement): boolean {
  if (el.name !== 'message') return false;
  if (el.getChild('private', NS_CARBONS) || el.getChild('no-copy', NS_HINTS)) return false;
  if (el.getChild('received', NS_CARBONS) || el.getChild('sent', NS_CARBONS)) return false;
  const type = el.attr('type') ?? 'normal';
  return type === 'chat' || (type === 'normal' && el.getChild('body', el.xmlns || 'jabber:client') !== undefined);
}

/** §7/§8: the copy, from the account's bare JID to one of its resources, the original forwarded whole. */
export function wrapCarbon(kind: 'sent' | 'received', accountBare: string, toFull: string, original: XmlElement): XmlElement {
  return x('message', { from: accountBare, to: toFull, type: original.attr('type') ?? 'normal' },
    x(kind, { xmlns: NS_CARBONS },
      x('forwarded', { xmlns: NS_FORWARD }, original.withAttrs({ xmlns: 'jabber:client' }))));
}

/** The account's carbon-enabled sessions except the resources in `skip`. */
export function carbonTargets(server: ModuleApi, accountBare: string, skip: Iterable<string>): C2sSession[] {
  const sessions = server.sessionsOf(accountBare).filter(carbonsEnabled);
  if (sessions.length === 0) return sessions;
  const skipped = new Set(skip);
  return sessions.filter((s) => !skipped.has(s.resource));
}

/** Copies `original` to the account's carbon-enabled sessions except the resources in `skip`. */
export function sendCarbons(server: ModuleApi, kind: 'sent' | 'received', accountBare: string,
  original: XmlElement, skip: Iterable<string>): void {
  const targets = carbonTargets(server, accountBare, skip);
  if (targets.length === 0 || !isEligible(original)) return;
  for (const s of targets) s.send(wrapCarbon(kind, accountBare, s.jid, original));
}

export const carbonsModule: XmppModule = {
  name: 'xep-0280-carbons',
  load(server) {
    server.features.add(NS_CARBONS);
    for (const [name, on] of [['enable', true], ['disable', false]] as const) {
      server.iq(`${name} ${NS_CARBONS}`, 'set', (ctx) => {
        // §4: a client sets this for its own session only.
        if (!ctx.session) return ctx.error('not-allowed');
        if (ctx.target.local !== '' && !ctx.target.equals(ctx.from.bare())) return ctx.error('forbidden');
        ctx.session.data.set(KEY, on);
        ctx.result();
      }, 'both');
    }
    // XEP-0386: a Bind 2 request may enable carbons for the new session; there is nothing to answer.
    server.bind2Inline(NS_CARBONS, (session, el) => {
      if (el.name === 'enable') session.data.set(KEY, true);
      return null;
    });
  },
};
