// Branded identifier types: strings are parsed once at the edge and carried as types after.
type Brand<T, B extends string> = T & { readonly __brand: B };

export type ServerName = Brand<string, 'ServerName'>;
export type Localpart = Brand<string, 'Localpart'>;
export type UserId = Brand<string, 'UserId'>;
export type RoomId = Brand<string, 'RoomId'>;
export type EventId = Brand<string, 'EventId'>;
export type RoomAlias = Brand<string, 'RoomAlias'>;
export type DeviceId = Brand<string, 'DeviceId'>;

// Matrix user localparts (spec appendices, "User Identifiers"): a-z 0-9 . _ = - /  and +
const LOCALPART = /^[a-z0-9._=\-/+]+$/;
// Historical user ids may hold any printable ASCII except ':'; accepted from others, never minted.
const HISTORICAL_LOCALPART = /^[\x21-\x39\x3b-\x7e]+$/;
const SERVER_NAME = /^(\[[0-9a-fA-F:.]+\]|[0-9a-zA-Z.-]+)(:\d{1,5})?$/;

export function isValidLocalpart(s: string): boolean {
  return s.length > 0 && s.length <= 255 && LOCALPART.test(s);
}

export function isValidServerName(s: string): boolean {
  return s.length > 0 && s.length <= 255 && SERVER_NAME.test(s);
}

export function serverName(s: string): ServerName {
  if (!isValidServerName(s)) throw new Error(`invalid server name: ${s}`);
  return s as ServerName;
}

export function localpart(s: string): Localpart {
  if (!isValidLocalpart(s)) throw new Error(`invalid localpart: ${s}`);
  return s as Localpart;
}

export function userId(local: Localpart | string, server: ServerName | string): UserId {
  return `@${local}:${server}` as UserId;
}

/** Splits a sigil-prefixed id at the first ':' into [localpart, server]. */
function splitSigil(s: string, sigil: string): [string, string] | null {
  if (!s.startsWith(sigil) || s.length > 255) return null;
  const colon = s.indexOf(':');
  if (colon < 2) return null;
  const server = s.slice(colon + 1);
  if (!isValidServerName(server)) return null;
  return [s.slice(1, colon), server];
}

export function parseUserId(s: string): { id: UserId; localpart: string; server: ServerName } | null {
  const parts = splitSigil(s, '@');
  if (!parts || !HISTORICAL_LOCALPART.test(parts[0])) return null;
  return { id: s as UserId, localpart: parts[0], server: parts[1] as ServerName };
}

// Room version 12 room ids have no domain: `!` and the create event's hash (URL-safe Base64).
const DOMAINLESS_ROOM_ID = /^![A-Za-z0-9_-]{1,254}$/;

export function parseRoomId(s: string): RoomId | null {
  return splitSigil(s, '!') || DOMAINLESS_ROOM_ID.test(s) ? (s as RoomId) : null;
}

export function parseRoomAlias(s: string): { alias: RoomAlias; localpart: string; server: ServerName } | null {
  const parts = splitSigil(s, '#');
  if (!parts) return null;
  return { alias: s as RoomAlias, localpart: parts[0], server: parts[1] as ServerName };
}

export function parseEventId(s: string): EventId | null {
  return s.startsWith('$') && s.length > 1 && s.length <= 255 ? (s as EventId) : null;
}

export function localpartOf(id: UserId): string {
  return id.slice(1, id.indexOf(':'));
}

/** The domain of a user id or alias (and of a room id of versions before 12, which have one). */
export function serverOf(id: UserId | RoomId | RoomAlias): ServerName {
  return id.slice(id.indexOf(':') + 1) as ServerName;
}
