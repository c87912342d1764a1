// Room JID <-> room alias. A MUC room `name@MUC_DOMAIN` is the Matrix room with the alias
// `#name:SERVER_NAME` (DESIGN §1). JID localparts are case-folded by the JID rules while Matrix
// aliases are case-sensitive, so only lower-case aliases are reachable from XMPP (documented in
// README.md); the reverse direction only lists aliases that survive the round trip.
import { Jid, prepLocalpart } from '../../jid.js';

export interface MucAddressing {
  serverName: string;
  mucDomain: string;
}

/** `#name:SERVER` for a room JID's localpart; null when the JID is not a room on this service. */
export function aliasOfRoomJid(jid: Jid, a: MucAddressing): string | null {
  if (jid.domain !== a.mucDomain || jid.local === '') return null;
  // ':' cannot appear in a JID localpart (RFC 7622), and it is the only character an alias
  // localpart may not hold, so every room JID localpart is an alias localpart; only the length
  // differs (a JID localpart may have 1023 bytes, a whole alias 255).
  const alias = `#${jid.local}:${a.serverName}`;
  return Buffer.byteLength(alias) <= 255 ? alias : null;
}

/** `name@MUC_DOMAIN` for a local alias, or null when the alias is remote or has no JID form. */
export function roomJidOfAlias(alias: string, a: MucAddressing): string | null {
  const suffix = `:${a.serverName}`;
  if (!alias.startsWith('#') || !alias.endsWith(suffix)) return null;
  const local = alias.slice(1, -suffix.length);
  const prepped = prepLocalpart(local);
  // Only aliases whose JID form maps back to the very same alias are offered.
  return prepped !== null && prepped === local ? `${local}@${a.mucDomain}` : null;
}

/** The nick part of an occupant JID: resourceprep'ed by the JID parser; blank ones refused (XEP-0045 §7.2.1). */
export function nickOf(jid: Jid): string | null {
  return jid.resource !== '' && jid.resource.trim() !== '' ? jid.resource : null;
}
