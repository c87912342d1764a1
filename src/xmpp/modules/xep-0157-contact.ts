// XEP-0157 Contact Addresses for XMPP Services: the `xmpp.contact_addresses` config, published
// as the serverinfo extension form (XEP-0128) of the server's disco#info, one field per kind.
import type { XmppModule } from '../module.js';

export const SERVERINFO = 'http://jabber.org/network/serverinfo';

export type ContactAddresses = Partial<Record<string, string[]>>;

/** The form's fields: `<kind>-addresses` → URIs, kinds with no address left out. */
export function serverInfoFields(contacts: ContactAddresses): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [kind, uris] of Object.entries(contacts).sort(([a], [b]) => a.localeCompare(b))) {
    if (uris && uris.length > 0) out[`${kind}-addresses`] = [...uris];
  }
  return out;
}

export function contactModule(contacts: ContactAddresses): XmppModule {
  return {
    name: 'xep-0157-contact',
    load(server) {
      const fields = serverInfoFields(contacts);
      if (Object.keys(fields).length > 0) server.infoForms.set(SERVERINFO, fields);
    },
  };
}
