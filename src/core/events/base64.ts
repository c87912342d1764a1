// Unpadded Base64 as the Matrix spec uses it (appendices, "Unpadded Base64"): standard RFC 4648
// alphabet without '=' padding, and the URL-safe variant ('-' and '_') used by v4+ event ids.
// Node's own decoder silently skips bad characters, so input is validated here first: keys,
// signatures and hashes come from the network and must not decode "successfully" from garbage.

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

export class Base64Error extends Error {
  override name = 'Base64Error';
}

/** Standard alphabet, no padding: the encoding of signatures, keys and content hashes. */
export function encodeUnpaddedBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

/** URL-safe alphabet, no padding: the encoding of event ids from room version 4 on. */
export function encodeUrlSafeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes standard Base64, padded or not (the spec asks decoders to accept both). */
export function decodeBase64(text: string): Buffer {
  checkShape(text, STANDARD);
  return Buffer.from(text, 'base64');
}

/** Decodes URL-safe Base64, padded or not. */
export function decodeUrlSafeBase64(text: string): Buffer {
  checkShape(text, URL_SAFE);
  return Buffer.from(text, 'base64url');
}

/**
 * Decodes either alphabet. Third-party-invite public keys come from identity servers that
 * have used both, so a caller that cannot know which one was used asks for this.
 */
export function decodeAnyBase64(text: string): Buffer {
  return /[-_]/.test(text) ? decodeUrlSafeBase64(text) : decodeBase64(text);
}

function checkShape(text: string, alphabet: RegExp): void {
  if (!alphabet.test(text)) throw new Base64Error('invalid base64 characters');
  const body = text.replace(/=+$/, '');
  // A lone trailing character carries only 6 bits: no byte can end there.
  if (body.length % 4 === 1) throw new Base64Error('invalid base64 length');
  if (body.length !== text.length && text.length % 4 !== 0) throw new Base64Error('invalid base64 padding');
}
