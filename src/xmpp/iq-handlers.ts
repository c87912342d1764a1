// The table of iq handlers for the server and for accounts, keyed like Prosody's
// "iq-get/host/urn:xmpp:ping:ping": type, scope, then payload 'name ns' or just 'ns'.
import type { IqHandler, IqScope, IqType } from './module.js';

export class IqHandlers {
  private readonly table = new Map<string, IqHandler>();

  add(key: string, type: IqType, handler: IqHandler, scope: IqScope = 'host'): void {
    const payload = normalizeKey(key);
    for (const s of scope === 'both' ? (['host', 'bare'] as const) : [scope]) {
      const k = `${type}/${s}/${payload}`;
      if (this.table.has(k)) throw new Error(`xmpp: iq handler already registered for ${k}`);
      this.table.set(k, handler);
    }
  }

  find(type: IqType, scope: 'host' | 'bare', name: string, ns: string): IqHandler | undefined {
    return this.table.get(`${type}/${scope}/${name} ${ns}`) ?? this.table.get(`${type}/${scope}/${ns}`);
  }
}

/** 'query   jabber:iq:roster' → 'query jabber:iq:roster'; a bare namespace stays as is. */
function normalizeKey(key: string): string {
  const parts = key.trim().split(/\s+/);
  if (parts.length > 2 || parts[0] === '') throw new Error(`xmpp: bad iq handler key '${key}'`);
  return parts.join(' ');
}
