// Signed URLs for HTTP clients that hold no Matrix access token (XEP-0363 HTTP upload, and XMPP
// clients fetching files sent from Matrix). The format is the core's, so both front ends agree:
//
//   upload slot token:  base64url(JSON claims) "." base64url(HMAC-SHA256(key, "slot\0" + claims))
//   file signature:     first 22 base64url characters of HMAC-SHA256(key, "file\0" + mediaId)
//
// The token carries everything the PUT must match (media id, uploader, size, type, expiry), so
// the HTTP side needs no state besides the key. The file signature makes a download URL a
// capability: knowing an mxc id alone does not give an unauthenticated download.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SlotClaims {
  /** The media id the upload fills. */
  mediaId: string;
  /** The Matrix user id of the uploader. */
  user: string;
  size: number;
  contentType: string | null;
  /** Expiry, ms since the epoch. */
  exp: number;
}

const SIG_CHARS = 22;

function b64(buf: Buffer): string {
  return buf.toString('base64url');
}

function validClaims(c: unknown): c is SlotClaims {
  if (!c || typeof c !== 'object') return false;
  const o = c as Record<string, unknown>;
  return typeof o.mediaId === 'string' && typeof o.user === 'string' && Number.isSafeInteger(o.size)
    && (o.contentType === null || typeof o.contentType === 'string') && Number.isSafeInteger(o.exp);
}

export class SlotSigner {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('slot key must be at least 32 bytes');
  }

  private mac(label: string, data: string): Buffer {
    return createHmac('sha256', this.key).update(`${label}\0${data}`).digest();
  }

  sign(claims: SlotClaims): string {
    const payload = b64(Buffer.from(JSON.stringify(claims)));
    return `${payload}.${b64(this.mac('slot', payload))}`;
  }

  /** The claims of a well-signed, unexpired token; null for anything else. */
  verify(token: string, now: number): SlotClaims | null {
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const want = this.mac('slot', payload);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (!validClaims(claims) || claims.exp < now) return null;
    return claims;
  }

  fileSignature(mediaId: string): string {
    return b64(this.mac('file', mediaId)).slice(0, SIG_CHARS);
  }

  checkFileSignature(mediaId: string, sig: string): boolean {
    const want = Buffer.from(this.fileSignature(mediaId));
    const given = Buffer.from(sig);
    return given.length === want.length && timingSafeEqual(given, want);
  }
}
