// The persistent data unit (PDU) of room versions 3 and later (v11 is the default here).
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

export interface Pdu {
  auth_events: string[];
  content: JsonObject;
  depth: number;
  hashes: { sha256: string };
  origin_server_ts: number;
  prev_events: string[];
  room_id: string;
  sender: string;
  state_key?: string;
  type: string;
  signatures: Record<string, Record<string, string>>;
  unsigned?: JsonObject;
  /** Only on m.room.redaction in room versions before 11; v11 carries it in content too. */
  redacts?: string;
}

/** A PDU with its reference-hash event id, as the core passes it around. */
export interface RoomEvent {
  eventId: string;
  pdu: Pdu;
}

/** Map key for a state entry: type and state_key joined by NUL (neither may hold NUL in practice). */
export type StateTuple = string;
export function stateTuple(type: string, stateKey: string): StateTuple {
  return `${type}\u0000${stateKey}`;
}
export function splitStateTuple(t: StateTuple): [string, string] {
  const i = t.indexOf('\u0000');
  return [t.slice(0, i), t.slice(i + 1)];
}

/** State at a point of the room graph: (type, state_key) -> the event holding it. */
export type StateMap = ReadonlyMap<StateTuple, Pdu>;
