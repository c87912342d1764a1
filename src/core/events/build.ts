// Assembling a new PDU: the fields, the content hash, the event id. Signing comes after (see
// signing.ts) and does not change the id, since signatures sit outside the reference hash.

import { assertCanonicalizable, canonicalJsonBytes } from './canonical-json.js';
import { addContentHash, eventIdFor } from './hashes.js';
import type { RoomVersionRules } from './room-versions.js';
import type { JsonObject, Pdu, RoomEvent } from './types.js';
import { roomIdOfCreateEvent } from './wire.js';

/** The spec's limit on a whole PDU in canonical JSON, signatures included. */
export const MAX_PDU_BYTES = 65_536;

export interface EventDraft {
  type: string;
  /** Absent only for a create event of a version whose room id derives from it (v12). */
  roomId?: string;
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
    room_id: '',
    sender: draft.sender,
    type: draft.type,
    signatures: {},
  };
  if (derivesRoomId(draft, rules)) delete (pdu as Partial<Pdu>).room_id;
  else if (draft.roomId === undefined) throw new Error(`a ${draft.type} event needs a room id`);
  else pdu.room_id = draft.roomId;
  if (draft.stateKey !== undefined) pdu.state_key = draft.stateKey;
  if (draft.redacts !== undefined && !rules.redactsInContent) pdu.redacts = draft.redacts;
  // The content hash encodes the same fields strictly in versions with strict canonical JSON
  // (and refuses the same values); only older versions, hashed leniently, need a check here.
  if (!rules.strictCanonicalJson) assertCanonicalizable(pdu);
  const hashed = addContentHash(pdu, rules);
  const eventId = eventIdFor(hashed, rules);
  // v12: the room id comes from the create event's id; hashes and id ignore it (wire.ts).
  if (derivesRoomId(draft, rules)) hashed.room_id = roomIdOfCreateEvent(eventId);
  return { eventId, pdu: hashed };
}

function derivesRoomId(draft: EventDraft, rules: RoomVersionRules): boolean {
  return rules.roomIdFromCreateEvent && draft.type === 'm.room.create';
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
