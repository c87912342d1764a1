// XEP-0114 §3 handshake: the component proves it knows the shared secret by sending
// hex(SHA-1(stream id + secret)). Pure, so the comparison and the addressing rules are tested alone.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Jid } from '../jid.js';

export const NS_COMPONENT = 'jabber:component:accept';

/** The digest a component must send for this stream id and secret (lower-case hex). */
export function handshakeDigest(streamId: string, secret: string): string {
  return createHash('sha1').update(streamId + secret, 'utf8').digest('hex');
}

/** Whether the component's <handshake/> text is the right digest (case-insensitive hex, constant time). */
export function handshakeMatches(streamId: string, secret: string, sent: string): boolean {
  const want = Buffer.from(handshakeDigest(streamId, secret));
  const got = Buffer.from(sent.trim().toLowerCase());
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * What is wrong with a stanza a component sends, as the stream error that ends the stream, or
 * null: it must say who it is from (an address of its own domain) and whom it is for.
 */
export function componentAddressingError(domain: string, from: Jid | null, fromAttr: string | undefined, to: string | undefined):
  { condition: 'improper-addressing' | 'invalid-from'; text: string } | null {
  if (fromAttr === undefined || to === undefined) return { condition: 'improper-addressing', text: 'a component stanza needs both from and to (XEP-0114 §3)' };
  if (!from || from.domain !== domain) return { condition: 'invalid-from', text: `from must be ${domain} or an address at it` };
  return null;
}
