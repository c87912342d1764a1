// An account's two addresses, and the escaping that lets remote users of each network appear in
// the other. The rules are written down in docs/addresses.md; each has a round-trip test.
import { isValidLocalpart } from './ids.js';

export const PUPPET_PREFIX = '_xmpp_';

/** @alice:DOMAIN and alice@DOMAIN are the same account. */
export function localAddresses(localpart: string, domain: string): { mxid: string; jid: string } {
  return { mxid: `@${localpart}:${domain}`, jid: `${localpart}@${domain}` };
}

// Rule J1-J4 (docs/addresses.md): a bare JID becomes a Matrix localpart by keeping a-z 0-9 . - / +,
// doubling '_', writing an upper-case letter as '_' plus its lower case, and every other byte of
// its UTF-8 form as '=' plus two lower-case hex digits.
export function escapeJidToLocalpart(bareJid: string): string {
  let out = '';
  for (const byte of Buffer.from(bareJid, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[a-z0-9.\-/+]/.test(c)) out += c;
    else if (c === '_') out += '__';
    else if (/[A-Z]/.test(c)) out += `_${c.toLowerCase()}`;
    else out += `=${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export function unescapeLocalpartToJid(escaped: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped[i];
    if (c === '_') {
      const n = escaped[++i];
      if (n === '_') bytes.push(0x5f);
      else if (n !== undefined && /[a-z]/.test(n)) bytes.push(n.toUpperCase().charCodeAt(0));
      else return null;
    } else if (c === '=') {
      const hex = escaped.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (/[a-z0-9.\-/+]/.test(c)) {
      bytes.push(c.charCodeAt(0));
    } else {
      return null;
    }
  }
  const text = Buffer.from(bytes).toString('utf8');
  return Buffer.from(text, 'utf8').equals(Buffer.from(bytes)) ? text : null;
}

/** The puppet user id of a remote XMPP user: @_xmpp_<escaped bare JID>:DOMAIN. */
export function puppetUserId(bareJid: string, domain: string): string | null {
  const lp = PUPPET_PREFIX + escapeJidToLocalpart(bareJid);
  return isValidLocalpart(lp) ? `@${lp}:${domain}` : null;
}

export function jidOfPuppet(userId: string, domain: string): string | null {
  const suffix = `:${domain}`;
  if (!userId.startsWith(`@${PUPPET_PREFIX}`) || !userId.endsWith(suffix)) return null;
  return unescapeLocalpartToJid(userId.slice(1 + PUPPET_PREFIX.length, -suffix.length));
}

// Rule M1-M2: a Matrix user id without its '@' becomes a JID localpart by XEP-0106 escaping
// (space " & ' / : < > @ and backslash as \20 \22 \26 \27 \2f \3a \3c \3e \40 \5c), on the
// gateway domain matrix.DOMAIN. Upper-case letters (only in historical user ids) have no
// lossless JID form, so such ids are refused.
const XEP0106: Record<string, string> = {
  ' ': '\\20', '"': '\\22', '&': '\\26', "'": '\\27', '/': '\\2f', ':': '\\3a', '<': '\\3c', '>': '\\3e', '@': '\\40', '\\': '\\5c',
};
const XEP0106_REVERSE = Object.fromEntries(Object.entries(XEP0106).map(([k, v]) => [v, k]));

export function gatewayDomain(domain: string): string {
  return `matrix.${domain}`;
}

export function escapeMxidToJidLocal(mxid: string): string | null {
  if (!mxid.startsWith('@') || /[A-Z]/.test(mxid)) return null;
  let out = '';
  for (const c of mxid.slice(1)) out += XEP0106[c] ?? c;
  return out;
}

export function unescapeJidLocalToMxid(local: string): string {
  return '@' + local.replace(/\\(20|22|26|27|2f|3a|3c|3e|40|5c)/g, (m) => XEP0106_REVERSE[m]);
}

/** The JID under which a remote Matrix user appears to XMPP. */
export function gatewayJid(mxid: string, domain: string): string | null {
  const local = escapeMxidToJidLocal(mxid);
  return local === null ? null : `${local}@${gatewayDomain(domain)}`;
}

export function mxidOfGatewayJid(bareJid: string, domain: string): string | null {
  const suffix = `@${gatewayDomain(domain)}`;
  if (!bareJid.endsWith(suffix)) return null;
  return unescapeJidLocalToMxid(bareJid.slice(0, -suffix.length));
}
