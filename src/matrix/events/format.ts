// The client event format (spec definitions/client_event.yaml): what /sync, /messages, /event
// and /state return. Federation fields (hashes, signatures, auth_events, prev_events, depth)
// never reach a client.
import type { JsonObject, Pdu } from '../../core/events/types.js';

export interface ClientEvent {
  content: JsonObject;
  event_id: string;
  origin_server_ts: number;
  room_id?: string;
  sender: string;
  state_key?: string;
  type: string;
  redacts?: string;
  unsigned: {
    age: number;
    transaction_id?: string;
    redacted_because?: ClientEvent;
    prev_content?: JsonObject;
    /** The id of the state event this one replaced (spec v1.19). */
    replaces_state?: string;
  };
}

export interface StrippedStateEvent {
  content: JsonObject;
  sender: string;
  state_key: string;
  type: string;
}

export interface FormatOptions {
  now: number;
  /** /sync leaves room_id out: the room is the key the event sits under. */
  includeRoomId: boolean;
  /** Set when the requesting device sent the event (spec: transaction identifiers). */
  transactionId?: string;
  /** Set when the event was redacted: its redacted content and the redaction event. */
  redaction?: { content: JsonObject; because: ClientEvent };
  /** For a state event: the content of the state it replaced. */
  prevContent?: JsonObject;
}

/** The target of a redaction event: `content.redacts` from v11, top-level `redacts` before. */
export function redactsOf(pdu: Pdu): string | undefined {
  if (pdu.type !== 'm.room.redaction') return undefined;
  const inContent = pdu.content.redacts;
  if (typeof inContent === 'string') return inContent;
  return typeof pdu.redacts === 'string' ? pdu.redacts : undefined;
}

export function toClientEvent(eventId: string, pdu: Pdu, opts: FormatOptions): ClientEvent {
  const ev: ClientEvent = {
    content: opts.redaction ? opts.redaction.content : pdu.content,
    event_id: eventId,
    origin_server_ts: pdu.origin_server_ts,
    sender: pdu.sender,
    type: pdu.type,
    unsigned: { age: Math.max(0, opts.now - pdu.origin_server_ts) },
  };
  if (opts.includeRoomId) ev.room_id = pdu.room_id;
  if (pdu.state_key !== undefined) ev.state_key = pdu.state_key;
  // v11 moved `redacts` into content; clients written for earlier versions read it at the top
  // level, so both places carry it (as Synapse does).
  const redacts = redactsOf(pdu);
  if (redacts !== undefined) ev.redacts = redacts;
  if (opts.transactionId !== undefined) ev.unsigned.transaction_id = opts.transactionId;
  if (opts.redaction) ev.unsigned.redacted_because = opts.redaction.because;
  if (opts.prevContent !== undefined && pdu.state_key !== undefined) ev.unsigned.prev_content = opts.prevContent;
  return ev;
}

/** Stripped state (spec "Stripped state"): only type, state_key, sender and content. */
export function toStrippedState(pdu: Pdu): StrippedStateEvent {
  return { content: pdu.content, sender: pdu.sender, state_key: pdu.state_key ?? '', type: pdu.type };
}
