// XEP-0215 External Service Discovery: the STUN/TURN servers of `xmpp.external_services`, for
// Jingle calls. A service with a `secret` gets per-request credentials in the TURN REST API
// form (draft-uberti-behave-turn-rest): username "<expiry unix time>:<account>", password
// base64(HMAC-SHA1(secret, username)), which coturn's static-auth-secret checks.
import { createHmac } from 'node:crypto';
import type { IqContext, XmppModule } from '../module.js';
import { x, type XmlElement } from '../xml/element.js';

export const NS_EXTDISCO = 'urn:xmpp:extdisco:2';

export interface ExternalService {
  type: string;
  host: string;
  port?: number;
  transport?: string;
  secret?: string;
  ttl_seconds: number;
}

export function turnRestCredentials(secret: string, account: string, expiresUnix: number): { username: string; password: string } {
  const username = `${expiresUnix}:${account}`;
  return { username, password: createHmac('sha1', secret).update(username).digest('base64') };
}

/** One <service/>; credentials only for an authenticated account asking for a service with a secret. */
export function serviceElement(s: ExternalService, account: string | null, nowMs: number): XmlElement {
  const attrs: Record<string, string | undefined> = { type: s.type, host: s.host, port: s.port?.toString(), transport: s.transport };
  if (s.secret) {
    const expires = Math.floor(nowMs / 1000) + s.ttl_seconds;
    if (account) {
      const c = turnRestCredentials(s.secret, account, expires);
      Object.assign(attrs, { username: c.username, password: c.password, expires: new Date(expires * 1000).toISOString().replace('.000Z', 'Z') });
    } else {
      attrs.restricted = 'true';
    }
  }
  return x('service', attrs);
}

export function extdiscoModule(services: ExternalService[], now: () => number = Date.now): XmppModule {
  const account = (ctx: IqContext) => (ctx.session ? ctx.from.local : null);
  return {
    name: 'xep-0215-extdisco',
    load(server) {
      server.features.add(NS_EXTDISCO);
      server.iq(`services ${NS_EXTDISCO}`, 'get', (ctx) => {
        const type = ctx.payload.attr('type');
        const picked = services.filter((s) => type === undefined || s.type === type);
        ctx.result(x('services', { xmlns: NS_EXTDISCO, type }, picked.map((s) => serviceElement(s, account(ctx), now()))));
      }, 'host');
      // §3.3: credentials for one service, named by host and type (and port when several match).
      server.iq(`credentials ${NS_EXTDISCO}`, 'get', (ctx) => {
        const want = ctx.payload.getChild('service', NS_EXTDISCO);
        const host = want?.attr('host');
        const type = want?.attr('type');
        if (!want || !host || !type) return ctx.error('bad-request', 'a <service/> with host and type is needed');
        const port = want.attr('port');
        const found = services.filter((s) => s.host === host && s.type === type && (port === undefined || String(s.port) === port));
        if (found.length === 0) return ctx.error('item-not-found');
        ctx.result(x('credentials', { xmlns: NS_EXTDISCO }, found.map((s) => serviceElement(s, account(ctx), now()))));
      }, 'host');
    },
  };
}
