// XEP-0357 on the wire, without I/O: reading <enable/>/<disable/>, keeping registrations as JSON,
// and building the PubSub publish the app server gets (§5, with the urn:xmpp:push:summary form).
import { Jid } from '../../jid.js';
import { parseFragment } from '../../im/payload.js';
import { x, type XmlElement } from '../../xml/element.js';

export const NS_PUSH = 'urn:xmpp:push:0';
const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
const NS_DATA = 'jabber:x:data';
const PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';

export interface Registration {
  /** The XMPP Push Service (app server) JID. */
  jid: string;
  node: string;
  /** The publish-options form the client gave, serialized; sent back with every publish. */
  options?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; text: string };

/** §4: 'jid' is required; 'node' too when enabling (we cannot publish without one). */
export function parseEnable(el: XmlElement): Parsed<Registration> {
  const jid = Jid.parse(el.attr('jid') ?? '');
  const node = el.attr('node') ?? '';
  if (!jid) return { ok: false, text: "'jid' must be the JID of the push service" };
  if (!node) return { ok: false, text: "'node' is required" };
  const form = el.getChildren('x', NS_DATA).find((f) => formType(f) === PUBLISH_OPTIONS);
  return { ok: true, value: { jid: jid.toString(), node, options: form?.toString() } };
}

export function parseDisable(el: XmlElement): Parsed<{ jid: string; node?: string }> {
  const jid = Jid.parse(el.attr('jid') ?? '');
  if (!jid) return { ok: false, text: "'jid' must be the JID of the push service" };
  return { ok: true, value: { jid: jid.toString(), node: el.attr('node') || undefined } };
}

function formType(form: XmlElement): string | undefined {
  return form.getChildren('field').find((f) => f.attr('var') === 'FORM_TYPE')?.getChildText('value');
}

/** Registrations as stored; anything unreadable counts as none. */
export function readRegistrations(json: string | null): Registration[] {
  if (!json) return [];
  try {
    const list: unknown = JSON.parse(json);
    if (!Array.isArray(list)) return [];
    return list.filter((r): r is Registration => typeof r?.jid === 'string' && typeof r?.node === 'string');
  } catch {
    return [];
  }
}

/** Adds or replaces (same jid and node) a registration. */
export function withRegistration(list: Registration[], r: Registration): Registration[] {
  return [...list.filter((e) => e.jid !== r.jid || e.node !== r.node), r];
}

/** §4: without a node, every registration with that service goes. */
export function withoutRegistration(list: Registration[], jid: string, node?: string): Registration[] {
  return list.filter((e) => e.jid !== jid || (node !== undefined && e.node !== node));
}

export interface Summary { count: number; sender?: string; body?: string }

function field(name: string, value: string): XmlElement {
  return x('field', { var: name }, x('value', null, value));
}

/** §5: the publish to one push service, from the account's bare JID. */
export function publishIq(fromBare: string, r: Registration, s: Summary): XmlElement {
  const options = r.options ? parseFragment(r.options) : null;
  return x('iq', { type: 'set', from: fromBare, to: r.jid },
    x('pubsub', { xmlns: NS_PUBSUB },
      x('publish', { node: r.node },
        x('item', null,
          x('notification', { xmlns: NS_PUSH },
            x('x', { xmlns: NS_DATA, type: 'submit' },
              field('FORM_TYPE', 'urn:xmpp:push:summary'),
              field('message-count', String(s.count)),
              s.sender ? field('last-message-sender', s.sender) : null,
              s.body ? field('last-message-body', s.body) : null)))),
      options ? x('publish-options', null, options.withAttrs({ xmlns: NS_DATA })) : null));
}
