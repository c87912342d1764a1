// Media ids: random, and restricted to the characters the spec allows in an mxc:// media id
// (A-Za-z0-9, '_' and '-'), so an id can never walk out of a directory or a URL path.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 24;
const VALID = /^[A-Za-z0-9_-]{1,255}$/;

/** 24 characters from a 62-letter alphabet: about 143 bits, unguessable. */
export function newMediaId(): string {
  const bytes = randomBytes(ID_LENGTH * 2);
  let out = '';
  // Rejection sampling keeps every letter equally likely (256 is not a multiple of 62).
  for (const b of bytes) {
    if (b >= 248) continue;
    out += ALPHABET[b % 62];
    if (out.length === ID_LENGTH) return out;
  }
  return out + newMediaId().slice(out.length);
}

export function isValidMediaId(id: string): boolean {
  return VALID.test(id);
}

export function mxcUri(serverName: string, mediaId: string): string {
  return `mxc://${serverName}/${mediaId}`;
}

/** The parts of an mxc:// URI, or null when it is not one (or its id has unsafe characters). */
export function parseMxc(uri: string): { serverName: string; mediaId: string } | null {
  const m = /^mxc:\/\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!m || !isValidMediaId(m[2])) return null;
  return { serverName: m[1], mediaId: m[2] };
}
