// Presence across the two protocols (the pure half is src/xmpp/im/presence-map.ts). The core
// keeps one presence per account with two sources:
// - the account's XMPP resources, summed up, are its XMPP source, which Matrix room-mates see;
// - its Matrix clients are shown to XMPP contacts as one more resource, `<account>/matrix`,
//   broadcast like a real one (rfc6121-presence.ts) and given in answer to probes (deliver.ts).
import { matrixResourceStanza, MATRIX_RESOURCE, readResourcePresence, summarize } from '../../im/presence-map.js';
import type { XmlElement } from '../../xml/element.js';
import type { ImContext } from './context.js';
import { presenceOf } from './state.js';

/** After any change of the account's XMPP availability: the core's XMPP source follows. */
export function reportXmppPresence(im: ImContext, bareJid: string, localpart: string): void {
  const presence = im.core.presence;
  if (!presence.enabled) return;
  const resources = im.tracker.available(bareJid).flatMap((s) => {
    const p = presenceOf(s);
    return p.last ? [readResourcePresence(p.last, p.priority)] : [];
  });
  const { presence: state, statusMsg } = summarize(resources);
  presence.setXmpp(im.core.accounts.userId(localpart), state, statusMsg).catch((err: unknown) => {
    im.server.logger.warn({ err, account: bareJid }, 'xmpp: presence could not be shared with Matrix');
  });
}

/** The Matrix resource's current presence, or null while the account has no Matrix client online. */
export function matrixResourcePresence(im: ImContext, bareJid: string): XmlElement | null {
  const localpart = bareJid.slice(0, bareJid.indexOf('@'));
  const state = im.core.presence.enabled ? im.core.presence.source(im.core.accounts.userId(localpart), 'matrix') : null;
  return state && state.presence !== 'offline' ? matrixResourceStanza(`${bareJid}/${MATRIX_RESOURCE}`, state) : null;
}
