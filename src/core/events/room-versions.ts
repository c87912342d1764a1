// Room versions as data: each version is the previous one plus the flags the spec changed
// (content/rooms/v1.md .. v12.md). Code asks "does this version do X", never "is it >= 7".

/** What the redaction algorithm keeps, beyond what every version keeps. */
export interface RedactionRules {
  /** Top-level `origin`, `membership`, `prev_state` survive redaction (v1-v10). */
  keepOriginMembershipPrevState: boolean;
  /** `m.room.aliases` keeps `aliases` (v1-v5). */
  keepAliasesContent: boolean;
  /** `m.room.join_rules` keeps `allow` (v8+). */
  keepJoinRulesAllow: boolean;
  /** `m.room.member` keeps `join_authorised_via_users_server` (v9+). */
  keepJoinAuthorisedVia: boolean;
  /** `m.room.create` keeps its whole content instead of only `creator` (v11+). */
  keepAllCreateContent: boolean;
  /** `m.room.power_levels` keeps `invite` (v11+). */
  keepPowerLevelsInvite: boolean;
  /** `m.room.redaction` keeps `content.redacts` (v11+). */
  keepRedactionRedacts: boolean;
  /** `m.room.member` keeps `third_party_invite.signed` (v11+). */
  keepThirdPartyInviteSigned: boolean;
}

export type EventIdFormat =
  /** `$opaque:domain`, carried in the event (v1, v2). */
  | 'v1'
  /** `$` + standard unpadded Base64 of the reference hash (v3). */
  | 'v3'
  /** `$` + URL-safe unpadded Base64 of the reference hash (v4+). */
  | 'v4';

export interface RoomVersionRules {
  id: string;
  stability: 'stable' | 'unstable';
  /**
   * v12 changes state resolution v2 (MSC4297: start from empty state, the conflicted state
   * subgraph). Hearth resolves no forks yet: without federation a room's graph is a line.
   */
  stateRes: 'v1' | 'v2' | 'v2.1';
  eventIdFormat: EventIdFormat;
  /** v1, v2: events also need a signature from the server named in `event_id`. */
  signedByEventIdDomain: boolean;
  /** v1, v2: redactions are checked by auth rule 11 (redact level or same event_id domain). */
  redactionAuthRule: boolean;
  /** v5+: keys must be valid at the event's origin_server_ts. */
  enforceKeyValidity: boolean;
  /** v1-v5: `m.room.aliases` has its own auth rule (sender domain == state_key). */
  specialCaseAliasesAuth: boolean;
  /** v6+: events must be canonical JSON (integers in range, no floats). */
  strictCanonicalJson: boolean;
  /** v6+: power-level changes to `notifications` are checked like `events`. */
  limitNotificationsPowerLevels: boolean;
  /** v7+: `knock` membership and join rule. */
  knockAllowed: boolean;
  /** v8+: `restricted` join rule and `join_authorised_via_users_server`. */
  restrictedJoin: boolean;
  /** v10+: `knock_restricted` join rule. */
  knockRestricted: boolean;
  /** v10+: power levels must be integers; strings such as "50" are rejected. */
  integerPowerLevels: boolean;
  /**
   * v11+: the create event's sender is the room creator and `content.creator` has no meaning
   * (earlier versions require `content.creator` and read the creator from it).
   */
  implicitRoomCreator: boolean;
  /** v11+: `m.room.redaction` carries `redacts` in content, not at the top level. */
  redactsInContent: boolean;
  /**
   * v12+: the room id is the create event's id with `!` for `$`; the create event has no
   * `room_id` and is never cited in `auth_events` (MSC4291).
   */
  roomIdFromCreateEvent: boolean;
  /**
   * v12+: the create event's sender and `content.additional_creators` are the room's creators,
   * with infinite power; `m.room.power_levels` may not list them (MSC4289).
   */
  privilegedCreators: boolean;
  redaction: RedactionRules;
}

const v1: RoomVersionRules = {
  id: '1',
  stability: 'stable',
  stateRes: 'v1',
  eventIdFormat: 'v1',
  signedByEventIdDomain: true,
  redactionAuthRule: true,
  enforceKeyValidity: false,
  specialCaseAliasesAuth: true,
  strictCanonicalJson: false,
  limitNotificationsPowerLevels: false,
  knockAllowed: false,
  restrictedJoin: false,
  knockRestricted: false,
  integerPowerLevels: false,
  implicitRoomCreator: false,
  redactsInContent: false,
  roomIdFromCreateEvent: false,
  privilegedCreators: false,
  redaction: {
    keepOriginMembershipPrevState: true,
    keepAliasesContent: true,
    keepJoinRulesAllow: false,
    keepJoinAuthorisedVia: false,
    keepAllCreateContent: false,
    keepPowerLevelsInvite: false,
    keepRedactionRedacts: false,
    keepThirdPartyInviteSigned: false,
  },
};

const v2: RoomVersionRules = { ...v1, id: '2', stateRes: 'v2' };

// v3 drops the event_id field (ids are hashes) and with it auth rule 11 for redactions.
const v3: RoomVersionRules = {
  ...v2,
  id: '3',
  eventIdFormat: 'v3',
  signedByEventIdDomain: false,
  redactionAuthRule: false,
};

const v4: RoomVersionRules = { ...v3, id: '4', eventIdFormat: 'v4' };

const v5: RoomVersionRules = { ...v4, id: '5', enforceKeyValidity: true };

const v6: RoomVersionRules = {
  ...v5,
  id: '6',
  specialCaseAliasesAuth: false,
  strictCanonicalJson: true,
  limitNotificationsPowerLevels: true,
  redaction: { ...v5.redaction, keepAliasesContent: false },
};

const v7: RoomVersionRules = { ...v6, id: '7', knockAllowed: true };

const v8: RoomVersionRules = {
  ...v7,
  id: '8',
  restrictedJoin: true,
  redaction: { ...v7.redaction, keepJoinRulesAllow: true },
};

const v9: RoomVersionRules = {
  ...v8,
  id: '9',
  redaction: { ...v8.redaction, keepJoinAuthorisedVia: true },
};

const v10: RoomVersionRules = { ...v9, id: '10', knockRestricted: true, integerPowerLevels: true };

const v11: RoomVersionRules = {
  ...v10,
  id: '11',
  implicitRoomCreator: true,
  redactsInContent: true,
  redaction: {
    ...v10.redaction,
    keepOriginMembershipPrevState: false,
    keepAllCreateContent: true,
    keepPowerLevelsInvite: true,
    keepRedactionRedacts: true,
    keepThirdPartyInviteSigned: true,
  },
};

// Redaction as in v11.
const v12: RoomVersionRules = { ...v11, id: '12', stateRes: 'v2.1', roomIdFromCreateEvent: true, privilegedCreators: true };

export const ROOM_VERSIONS: Readonly<Record<string, RoomVersionRules>> = Object.freeze(
  Object.fromEntries([v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12].map((v) => [v.id, Object.freeze(v)])),
);

/**
 * The version new rooms get. The spec names 12 the default but says servers SHOULD keep using 11
 * for a while (v1.16, MSC4304): 11 here until servers that cannot join 12 are rare.
 */
export const DEFAULT_ROOM_VERSION = '11';

/** The versions this server can join and create, in the order /capabilities lists them. */
export const STABLE_ROOM_VERSIONS: readonly string[] = Object.freeze(
  Object.values(ROOM_VERSIONS)
    .filter((v) => v.stability === 'stable')
    .map((v) => v.id),
);

/** The rules of a version, or undefined for a version this server does not know. */
export function getRoomVersion(id: string): RoomVersionRules | undefined {
  return Object.hasOwn(ROOM_VERSIONS, id) ? ROOM_VERSIONS[id] : undefined;
}

/** The `m.room_versions` capability of the Client-Server API's /capabilities. */
export function roomVersionsCapability(): { default: string; available: Record<string, 'stable' | 'unstable'> } {
  const available: Record<string, 'stable' | 'unstable'> = {};
  // v1/v2 rules are known (their events can be checked) but this server mints no v1-style event
  // ids, so it cannot create or upgrade to them: they are not offered.
  for (const v of Object.values(ROOM_VERSIONS)) if (v.eventIdFormat !== 'v1') available[v.id] = v.stability;
  return { default: DEFAULT_ROOM_VERSION, available };
}
