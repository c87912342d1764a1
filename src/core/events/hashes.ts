// Content hashes and reference hashes (server-server API, "Calculating the content hash" and
// "Calculating the reference hash"), and the event ids derived from the latter.

import { createHash, timingSafeEqual } from 'node:crypto';
import { decodeBase64, encodeUnpaddedBase64, encodeUrlSafeBase64 } from './base64.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { redactEvent } from './redaction.js';
import type { RoomVersionRules } from './room-versions.js';
import type { JsonObject, Pdu } from './types.js';
import { wireEvent } from './wire.js';

type EventLike = Pdu | JsonObject;

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function without(event: EventLike, keys: readonly string[]): JsonObject {
  const copy: JsonObject = { ...(event as JsonObject) };
  for (const key of keys) delete copy[key];
  return copy;
}

/**
 * Old room versions did not enforce canonical JSON, so their events may hold numbers that
 * strict encoding refuses; they are still hashed, as well as JavaScript numbers allow.
 */
function encodingFor(rules?: RoomVersionRules): { allowUnsafeNumbers: boolean } {
  return { allowUnsafeNumbers: rules !== undefined && !rules.strictCanonicalJson };
}

/**
 * SHA-256 over the whole unredacted event minus `unsigned`, `signatures` and `hashes`, as
 * unpadded Base64: the value of `hashes.sha256`.
 */
export function contentHash(event: EventLike, rules?: RoomVersionRules): string {
  const body = without(rules ? wireEvent(event, rules) : event, ['unsigned', 'signatures', 'hashes']);
  return encodeUnpaddedBase64(sha256(canonicalJsonBytes(body, encodingFor(rules))));
}

/** A copy of the event with `hashes.sha256` set to its content hash. */
export function addContentHash<T extends EventLike>(event: T, rules?: RoomVersionRules): T {
  const hashes = { ...((event as JsonObject).hashes as JsonObject | undefined), sha256: contentHash(event, rules) };
  return { ...event, hashes } as T;
}

/**
 * True when `hashes.sha256` matches the content. A mismatch means the event was redacted (or
 * tampered with) on the way; the receiver must then use its redacted form.
 */
export function checkContentHash(event: EventLike, rules?: RoomVersionRules): boolean {
  const hashes = (event as JsonObject).hashes;
  if (typeof hashes !== 'object' || hashes === null || Array.isArray(hashes)) return false;
  const claimed = hashes.sha256;
  if (typeof claimed !== 'string') return false;
  let claimedBytes: Buffer;
  try {
    claimedBytes = decodeBase64(claimed);
  } catch {
    return false;
  }
  const actual = decodeBase64(contentHash(event, rules));
  return claimedBytes.length === actual.length && timingSafeEqual(claimedBytes, actual);
}

/** SHA-256 over the redacted event minus `signatures` and `unsigned`: the raw reference hash. */
export function referenceHash(event: EventLike, rules: RoomVersionRules): Buffer {
  const redacted = without(redactEvent(wireEvent(event as JsonObject, rules), rules), ['signatures', 'unsigned']);
  return sha256(canonicalJsonBytes(redacted, encodingFor(rules)));
}

/**
 * The event id of an event. From v3 on it is derived from the reference hash (v3 standard
 * Base64, v4+ URL-safe); in v1 and v2 it is the `event_id` the event carries.
 */
export function eventIdFor(event: EventLike, rules: RoomVersionRules): string {
  switch (rules.eventIdFormat) {
    case 'v1': {
      const id = (event as JsonObject).event_id;
      if (typeof id !== 'string') throw new Error(`room version ${rules.id} events must carry event_id`);
      return id;
    }
    case 'v3':
      return `$${encodeUnpaddedBase64(referenceHash(event, rules))}`;
    case 'v4':
      return `$${encodeUrlSafeBase64(referenceHash(event, rules))}`;
  }
}
