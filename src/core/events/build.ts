// Assembling a new PDU: the fields, the content hash, the event id. Signing comes after (see
// signing.ts) and does not change the id, since signatures sit outside the reference hash.

import { assertCanonicalizable, canonicalJsonBytes } from './canonical-json.js';
import { addContentHash, eventIdFor } from './hashes.js';
import type { RoomVersionRules } from './room-versions.js';
import type { JsonObject, Pdu, RoomEvent } from './types.js';

/** The spec's limit on a whole PDU in canonical JSON, signatures included. */
export const MAX_PDU_BYTES = 65_536;

export interface EventDraft {
  type: string;
  roomId: string;
  sender: string;
  content: JsonObject;
  /** Present (possibly '') for state events, absent for message events. */
  stateKey?: string;
  prevEvents: readonly string[];
  authEvents: readonly string[];
  depth: number;
  originServerTs: number;
  /** For m.room.redaction: the id of the event being redacted. */
  redacts?: string;
}

/**
 * Builds a hashed, unsigned PDU and its event id. Supports room versions with hash-derived
 * ids (v3 and later); v1/v2 ids are minted differently and this server does not create them.
 * Throws CanonicalJsonError if the content is not canonical JSON.
 */
export function buildEvent(draft: EventDraft, rules: RoomVersionRules): RoomEvent {
  if (rules.eventIdFormat === 'v1') throw new Error(`cannot build events for room version ${rules.id}`);
  const pdu: Pdu = {
    auth_events: [...draft.authEvents],
    content: contentFor(draft, rules),
    depth: draft.depth,
    hashes: { sha256: '' },
    origin_server_ts: draft.originServerTs,
    prev_events: [...draft.prevEvents],
    room_id: draft.roomId,
    sender: draft.sender,
    type: draft.type,
    signatures: {},
  };
  if (draft.stateKey !== undefined) pdu.state_key = draft.stateKey;
  if (draft.redacts !== undefined && !rules.redactsInContent) pdu.redacts = draft.redacts;
  assertCanonicalizable(pdu);
  const hashed = addContentHash(pdu, rules);
  return { eventId: eventIdFor(hashed, rules), pdu: hashed };
}

// v11 moved `redacts` into content; earlier versions carry it at the top level only.
function contentFor(draft: EventDraft, rules: RoomVersionRules): JsonObject {
  if (draft.redacts === undefined || !rules.redactsInContent) return { ...draft.content };
  return { ...draft.content, redacts: draft.redacts };
}

/** Size of the PDU as sent over federation, to compare with MAX_PDU_BYTES after signing. */
export function pduSize(pdu: Pdu | JsonObject, rules?: RoomVersionRules): number {
  return canonicalJsonBytes(pdu, { allowUnsafeNumbers: rules !== undefined && !rules.strictCanonicalJson }).length;
}
