// The redaction algorithm (spec: rooms/fragments/v1-redactions .. v11-redactions). Its output
// is what signatures and reference hashes cover, so a single extra or missing key breaks
// federation: every branch below is one sentence of the spec.

import type { RedactionRules, RoomVersionRules } from './room-versions.js';
import type { JsonObject, JsonValue, Pdu } from './types.js';

// Kept by every room version.
const TOP_LEVEL_KEYS = [
  'event_id',
  'type',
  'room_id',
  'sender',
  'state_key',
  'content',
  'hashes',
  'signatures',
  'depth',
  'prev_events',
  'auth_events',
  'origin_server_ts',
];
// Kept until v11 removed them.
const LEGACY_TOP_LEVEL_KEYS = ['prev_state', 'origin', 'membership'];

const POWER_LEVEL_KEYS = ['ban', 'events', 'events_default', 'kick', 'redact', 'state_default', 'users', 'users_default'];

/**
 * Strips an event down to the keys its room version protects. Returns a new object; kept
 * values are shared with the input, which callers treat as immutable.
 */
export function redactEvent(event: Pdu, rules: RoomVersionRules): Pdu;
export function redactEvent(event: JsonObject, rules: RoomVersionRules): JsonObject;
export function redactEvent(event: Pdu | JsonObject, rules: RoomVersionRules): Pdu | JsonObject {
  const source = event as JsonObject;
  const kept = topLevelKeys(rules.redaction);
  const out: JsonObject = {};
  for (const key of kept) {
    if (Object.hasOwn(source, key) && source[key] !== undefined) out[key] = source[key];
  }
  if (Object.hasOwn(out, 'content')) {
    // Malformed content or type keeps nothing rather than leaking what it holds.
    const ok = isObject(source.content) && typeof source.type === 'string';
    out.content = ok ? redactContent(source.type as string, source.content as JsonObject, rules) : {};
  }
  return out;
}

function topLevelKeys(r: RedactionRules): string[] {
  return r.keepOriginMembershipPrevState ? [...TOP_LEVEL_KEYS, ...LEGACY_TOP_LEVEL_KEYS] : TOP_LEVEL_KEYS;
}

/** The content an event of this type keeps when redacted. Returns a new object. */
export function redactContent(type: string, content: JsonObject, rules: RoomVersionRules): JsonObject {
  const r = rules.redaction;
  switch (type) {
    case 'm.room.member':
      return redactMemberContent(content, r);
    case 'm.room.create':
      // Before v11 only `creator` has meaning; v11 keeps the whole content (room_version,
      // m.federate, predecessor, type) because auth and clients rely on it.
      return r.keepAllCreateContent ? { ...content } : pick(content, ['creator']);
    case 'm.room.join_rules':
      return pick(content, r.keepJoinRulesAllow ? ['join_rule', 'allow'] : ['join_rule']);
    case 'm.room.power_levels':
      return pick(content, r.keepPowerLevelsInvite ? [...POWER_LEVEL_KEYS, 'invite'] : POWER_LEVEL_KEYS);
    case 'm.room.history_visibility':
      return pick(content, ['history_visibility']);
    case 'm.room.aliases':
      return r.keepAliasesContent ? pick(content, ['aliases']) : {};
    case 'm.room.redaction':
      return r.keepRedactionRedacts ? pick(content, ['redacts']) : {};
    default:
      return {};
  }
}

function redactMemberContent(content: JsonObject, r: RedactionRules): JsonObject {
  const out = pick(content, r.keepJoinAuthorisedVia ? ['membership', 'join_authorised_via_users_server'] : ['membership']);
  const invite = content.third_party_invite;
  // v11 keeps only `signed`, which auth needs to re-check the invite. Like Synapse (whose
  // output every other server must hash identically), an object without `signed` becomes {}.
  if (r.keepThirdPartyInviteSigned && isObject(invite)) {
    out.third_party_invite = Object.hasOwn(invite, 'signed') ? { signed: invite.signed } : {};
  }
  return out;
}

function pick(source: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const key of keys) {
    if (Object.hasOwn(source, key) && source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The event an m.room.redaction targets: `content.redacts` from v11, top-level `redacts` before. */
export function redactsTarget(event: Pdu, rules: RoomVersionRules): string | undefined {
  if (event.type !== 'm.room.redaction') return undefined;
  const target = rules.redactsInContent ? event.content.redacts : event.redacts;
  return typeof target === 'string' ? target : undefined;
}
