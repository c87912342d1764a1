// Shared by the PEP, vCard and bookmark tests: pubsub request builders, a client that announces
// XEP-0115 caps (answering the server's disco#info for them), and mutual presence subscriptions.
import { createHash } from 'node:crypto';
import type { TestServer } from './harness.js';
import { ImClient, isPresence, xml, type XmlNode } from './xmpp-im-support/im-client.js';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const NS_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const NS_ERRORS = 'http://jabber.org/protocol/pubsub#errors';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const NS_DATA = 'jabber:x:data';

export const form = (formType: string, fields: Record<string, string>): XmlNode =>
  xml('x', { xmlns: NS_DATA, type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
    ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v))));

export const publishOptions = (fields: Record<string, string>): XmlNode =>
  xml('publish-options', {}, form('http://jabber.org/protocol/pubsub#publish-options', fields));

export function publish(node: string, id: string | undefined, payload: XmlNode, options?: XmlNode): XmlNode {
  return xml('pubsub', { xmlns: NS_PUBSUB }, xml('publish', { node }, xml('item', id ? { id } : {}, payload)), ...(options ? [options] : []));
}

export const items = (node: string, attrs: Record<string, string> = {}, ...ids: string[]): XmlNode =>
  xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node, ...attrs }, ...ids.map((id) => xml('item', { id }))));

/** The condition names of an error reply: [stanza condition, pubsub condition or undefined]. */
export function conditions(el: XmlNode): [string | undefined, string | undefined] {
  const err = el.getChild('error');
  if (!err) return [undefined, undefined];
  const kids = err.children.filter((c): c is XmlNode => typeof c !== 'string');
  return [kids.find((k) => k.attrs.xmlns === 'urn:ietf:params:xml:ns:xmpp-stanzas' && k.name !== 'text')?.name,
    kids.find((k) => k.attrs.xmlns === NS_ERRORS)?.name];
}

export const isEvent = (from: string, node: string): ((el: XmlNode) => boolean) => (el) =>
  el.name === 'message' && el.attrs.from === from && el.getChild('event', NS_EVENT)?.getChild('items')?.attrs.node === node;

/** XEP-0115 §5.1 for one client identity and a feature list. */
function ver(features: string[]): string {
  const s = 'client/pc//hearth-test<' + [...features].sort().map((f) => f + '<').join('');
  return createHash('sha1').update(s).digest('base64');
}

/**
 * Logs in, answers disco#info for its caps node with `features`, and sends available presence
 * with those caps. Resolves once the server has asked (so interests are known) and presence is back.
 */
export async function onlineWithCaps(port: number, user: string, resource: string, features: string[]): Promise<ImClient> {
  const c = await ImClient.login(port, user, `${user}-pw`, resource);
  // A feature of its own makes every client's ver new, so the server always asks (no cache hit).
  features = [...features, `urn:hearth:test:${user}:${resource}`];
  const v = ver(features);
  let asked!: () => void;
  const queried = new Promise<void>((r) => { asked = r; });
  const callee = (c.xmpp as unknown as { iqCallee: { get(ns: string, name: string, fn: (ctx: { element: XmlNode }) => XmlNode): void } }).iqCallee;
  callee.get(NS_DISCO_INFO, 'query', (ctx) => {
    asked();
    return xml('query', { xmlns: NS_DISCO_INFO, node: ctx.element.attrs.node ?? '' },
      xml('identity', { category: 'client', type: 'pc', name: 'hearth-test' }), ...features.map((f) => xml('feature', { var: f })));
  });
  await c.send(xml('presence', {}, xml('c', { xmlns: 'http://jabber.org/protocol/caps', hash: 'sha-1', node: 'https://hearth.test', ver: v })));
  await c.next(isPresence(c.jid), 'own presence');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${c.jid}: the server never asked for its caps`)), 15_000); });
  await Promise.race([queried, late]).finally(() => clearTimeout(timer));
  // The answer is written in the microtasks after the handler returns; a ping sent after it comes
  // back only once the server has read the answer, and so recorded the interests.
  await new Promise((r) => setTimeout(r, 0));
  await c.iq(xml('iq', { type: 'get' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
  return c;
}

/** Mutual presence subscription between two local accounts, written straight to the roster store. */
export function befriend(server: TestServer, a: string, b: string): void {
  const item = (jid: string) => ({ jid, name: null, subscription: 'both' as const, ask: false, pendingIn: false, groups: [] });
  server.core.storage.roster.put(a, item(`${b}@localhost`));
  server.core.storage.roster.put(b, item(`${a}@localhost`));
}
