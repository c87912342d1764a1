// The storage interfaces the core needs. Each caller gets a narrow one; storage/ implements them.
// Reads are synchronous (SQLite answers in microseconds); writes that must be durable before the
// caller goes on go through the WriteQueue, which commits everything of one event-loop turn at once.
import type { ScramCredential, ScramHash } from './accounts/scram.js';
import type { Pdu, StateTuple, JsonObject } from './events/types.js';

export interface AccountRecord {
  localpart: string;
  createdTs: number;
  admin: boolean;
  deactivated: boolean;
  displayname: string | null;
  avatarUrl: string | null;
  /** Locked: no session of either protocol may be used (spec "Account locking"). */
  locked: boolean;
  /** Suspended: the account may read but not write (spec "Account suspension"). */
  suspended: boolean;
}

export type AccountRestriction = 'locked' | 'suspended';

export interface AccountStore {
  /** Returns false when the localpart is taken (even by a deactivated account). */
  createAccount(localpart: string, createdTs: number, admin: boolean, creds: ScramCredential[]): boolean;
  getAccount(localpart: string): AccountRecord | null;
  /**
   * 'locked' (a lock wins over a suspension), 'suspended' or null. Asked on every request and
   * every event sent, so it is read from memory, read again when another process (the CLI)
   * has written the database.
   */
  restriction(localpart: string): AccountRestriction | null;
  /** Every locked or suspended account (the same memo). */
  restricted(): ReadonlyMap<string, AccountRestriction>;
  setRestriction(localpart: string, what: AccountRestriction, on: boolean): void;
  listAccounts(): AccountRecord[];
  credential(localpart: string, hash: ScramHash): ScramCredential | null;
  /** A new password: also forgets the account's XEP-0484 FAST tokens. */
  setCredentials(localpart: string, creds: ScramCredential[]): void;
  setAdmin(localpart: string, admin: boolean): void;
  /** Removes credentials, devices and tokens (FAST ones too) and marks the account deactivated; the name stays taken. */
  deactivate(localpart: string, userId: string): void;
  /** Localparts of every deactivated account. */
  deactivatedLocalparts(): string[];
  setProfile(localpart: string, field: 'displayname' | 'avatar_url', value: string | null): void;
}

/**
 * A XEP-0484 FAST token of one client (account + XEP-0388 user-agent id). Each client has two
 * slots (XEP-0484 §Implementation Notes): 'current', the token in use, and 'new', one issued but
 * not yet used. The token itself is never stored: only the hash of what the client proves
 * possession with, and what the server proves knowing it with.
 */
export interface FastTokenRecord {
  slot: 'current' | 'new';
  mechanism: string;
  /** SHA-256 of the client's proof (for HT-*: HMAC(token, "Initiator")). */
  proofHash: Buffer;
  /** The server's proof (for HT-*: HMAC(token, "Responder")). */
  serverProof: Buffer;
  /** The token itself, kept only for mechanisms with channel binding (their proofs differ per connection). */
  secret: Buffer | null;
  expiresTs: number;
  /** Highest replay counter accepted with this token; -1 before any. */
  lastCount: number;
}

export interface FastTokenStore {
  tokens(localpart: string, clientId: string): FastTokenRecord[];
  /** Stores a freshly issued token in the client's 'new' slot, replacing one never used. */
  putNew(localpart: string, clientId: string, token: Omit<FastTokenRecord, 'slot' | 'lastCount'>): void;
  /** A successful use with this counter (-1: none): a 'new' token becomes 'current', replacing the older one. */
  used(localpart: string, clientId: string, slot: 'current' | 'new', count: number): void;
  /** Forgets the client's token in that slot (the client invalidated it). */
  remove(localpart: string, clientId: string, slot: 'current' | 'new'): void;
}

export interface DeviceRecord {
  userId: string;
  deviceId: string;
  displayName: string | null;
  lastSeenTs: number | null;
  lastSeenIp: string | null;
  lastSeenUserAgent: string | null;
}

export interface DeviceStore {
  /** Creates or replaces the device and issues the access token for it (hashed at rest). */
  createSession(userId: string, deviceId: string, displayName: string | null, accessToken: string, ts: number): void;
  lookupToken(accessToken: string): { userId: string; deviceId: string } | null;
  deleteToken(accessToken: string): void;
  deleteDevice(userId: string, deviceId: string): void;
  deleteAllDevices(userId: string): void;
  listDevices(userId: string): DeviceRecord[];
  /** When, from where and with what client the device was last seen (throttled by the caller). */
  touchDevice(userId: string, deviceId: string, ts: number, ip: string | null, userAgent: string | null): void;
  /** Renames an existing device; false when the user has no such device. */
  setDeviceDisplayName(userId: string, deviceId: string, displayName: string): boolean;
}

export interface RoomRecord {
  roomId: string;
  version: string;
  creator: string;
  createdTs: number;
  /** The latest event of the room (its only forward extremity while the room is local-only). */
  headEventId: string;
  headDepth: number;
  headStateGroup: number;
}

export interface StoredEvent {
  stream: number;
  eventId: string;
  pdu: Pdu;
  /** State group after this event (equal to before it for non-state events). */
  stateGroup: number;
}

/** Everything one accepted event writes, committed together. */
export interface EventWrite {
  stream: number;
  eventId: string;
  pdu: Pdu;
  stateGroup: number;
  /** Set when the event changed state: the new group and the delta from the previous one. */
  newStateGroup?: { id: number; prevId: number | null; delta: Record<StateTuple, string>; full: boolean };
  /** Set for m.room.member events: the membership index row. */
  membership?: { userId: string; membership: string };
  /** Set for a redaction that takes effect: the event it redacts. */
  redacts?: string;
  /** Set when the event created the room. */
  newRoom?: { version: string; creator: string; createdTs: number };
}

export interface RoomStore {
  getRoom(roomId: string): RoomRecord | null;
  listRooms(): RoomRecord[];
  /** Rooms where the user's current membership is one of the given ones, with its stream position. */
  roomsForUser(userId: string, memberships: string[]): { roomId: string; membership: string; stream: number; eventId: string }[];
  /** Current membership rows of a room. */
  members(roomId: string): { userId: string; membership: string }[];
  /** Stream position of the room's newest membership event (0 for none). */
  latestMembershipStream(roomId: string): number;
  getAlias(alias: string): string | null;
  aliasesOf(roomId: string): string[];
  putAlias(alias: string, roomId: string, creator: string): boolean;
  deleteAlias(alias: string): void;
}

export interface EventStore {
  maxStream(): number;
  getEvent(eventId: string): StoredEvent | null;
  /** Events of the room with stream in (from, to], oldest first. */
  roomEventsBetween(roomId: string, fromExclusive: number, toInclusive: number, limit: number, newestFirst: boolean): StoredEvent[];
  /** Events of any of the rooms with stream > from, oldest first. */
  eventsSince(roomIds: string[], fromExclusive: number, limit: number): StoredEvent[];
  /** Events of the room before a stream position (exclusive), newest first. */
  roomEventsBefore(roomId: string, beforeExclusive: number, limit: number): StoredEvent[];
  /** Events of the room after a stream position (exclusive), oldest first. */
  roomEventsAfter(roomId: string, afterExclusive: number, limit: number): StoredEvent[];
  /** Every event of the room with this type and state key, oldest first (the history of one piece of state). */
  stateHistory(roomId: string, type: string, stateKey: string): StoredEvent[];
  /** State group full map: (type, state_key) -> event id. Shared with other readers: copy before changing. */
  stateGroup(id: number): ReadonlyMap<StateTuple, string>;
  maxStateGroup(): number;
  /** The redaction that took effect on the event, if any. */
  redactedBy(eventId: string): string | null;
  writeEvent(w: EventWrite): void;
}

export interface AccountDataStore {
  put(userId: string, roomId: string, type: string, content: JsonObject, stream: number): void;
  get(userId: string, roomId: string, type: string): JsonObject | null;
  /** Entries changed after the stream position (all when since is 0). */
  since(userId: string, sinceExclusive: number): { roomId: string; type: string; content: JsonObject; stream: number }[];
  maxStream(): number;
}

export interface TxnStore {
  /** The event id a client transaction produced earlier, if any. */
  get(userId: string, deviceId: string, txnId: string): string | null;
  put(userId: string, deviceId: string, txnId: string, eventId: string, ts: number): void;
}

export interface RosterItem {
  jid: string;
  name: string | null;
  subscription: 'none' | 'to' | 'from' | 'both';
  ask: boolean;
  /** A pending inbound subscription request (RFC 6121 §3.1.3), kept to re-deliver at login. */
  pendingIn: boolean;
  /** RFC 6121 §3.4: the user pre-approved the contact's subscription (approved='true'). */
  approved?: boolean;
  groups: string[];
}

export interface RosterStore {
  items(user: string): RosterItem[];
  item(user: string, jid: string): RosterItem | null;
  put(user: string, item: RosterItem): number;
  remove(user: string, jid: string): number;
  version(user: string): number;
}

export interface KeyValueStore {
  get(ns: string, key: string): string | null;
  put(ns: string, key: string, value: string): void;
}

/** One item of a personal pubsub (PEP) node; the payload is kept as the serialized element tree. */
export interface PepItemRecord {
  id: string;
  payload: string;
  publisher: string;
  ts: number;
}

/** XEP-0163 personal eventing nodes and their items, per account (bare JID localpart). */
export interface PepStore {
  /** The node's configuration (option var -> value), or null when the node does not exist. */
  getNode(owner: string, node: string): Record<string, string> | null;
  nodes(owner: string): string[];
  putNode(owner: string, node: string, config: Record<string, string>): void;
  /** Removes the node and all its items. */
  deleteNode(owner: string, node: string): void;
  /** Stores (or replaces, making it the newest) an item, then keeps only the newest `max` (null: no limit). */
  putItem(owner: string, node: string, item: PepItemRecord, max: number | null): void;
  /** Items, newest first. */
  items(owner: string, node: string, limit?: number): PepItemRecord[];
  item(owner: string, node: string, id: string): PepItemRecord | null;
  /** False when there was no such item. */
  retract(owner: string, node: string, id: string): boolean;
  purge(owner: string, node: string): void;
}

/** XEP-0049 private XML: one serialized element per account and namespace key. */
export interface PrivateXmlStore {
  get(owner: string, key: string): string | null;
  /** null removes it. */
  put(owner: string, key: string, value: string | null): void;
}

export interface RegistrationTokenRecord {
  token: string;
  /** null: unlimited. */
  usesAllowed: number | null;
  /** Registrations completed with the token. */
  completed: number;
  /** ms since the epoch; null: never expires. */
  expiryTs: number | null;
  createdTs: number;
}

/** Tokens that let someone register while registration requires one. */
export interface RegistrationTokenStore {
  /** False when the token exists already. */
  create(token: string, usesAllowed: number | null, expiryTs: number | null, now: number): boolean;
  get(token: string): RegistrationTokenRecord | null;
  list(): RegistrationTokenRecord[];
  delete(token: string): boolean;
  /** Counts one use if the token is still valid at `now`; false when it is not. */
  consume(token: string, now: number): boolean;
}

/** Refresh tokens, and the expiry of the access token issued with each (hashed at rest). */
export interface RefreshTokenStore {
  /** Records the device's refresh token, replacing its previous one. */
  issue(userId: string, deviceId: string, refreshToken: string, accessToken: string, accessExpiresTs: number): void;
  /** Spends a refresh token: its device, or null when unknown or already used. */
  take(refreshToken: string): { userId: string; deviceId: string } | null;
  /** When the access token expires (ms), or null for one that does not. */
  accessExpiry(accessToken: string): number | null;
  forgetDevice(userId: string, deviceId: string): void;
}

/** One uploaded file (or a created mxc:// id still waiting for its bytes). */
export interface MediaRecord {
  mediaId: string;
  /** The Matrix user id of the uploader (the XMPP uploader's account, for HTTP upload slots). */
  uploader: string;
  createdTs: number;
  /** null while the content has not been uploaded yet (async upload, XEP-0363 slot). */
  sha256: string | null;
  size: number | null;
  contentType: string | null;
  filename: string | null;
  /** When a pending id expires unused (ms); null once uploaded. */
  expiresTs: number | null;
}

export interface ThumbnailRecord {
  mediaId: string;
  width: number;
  height: number;
  method: 'crop' | 'scale';
  animated: boolean;
  sha256: string;
  size: number;
  contentType: string;
}

/** Metadata of the media store (the bytes live in content-addressed files, see core/media/). */
export interface MediaStore {
  /** False when the id is taken. */
  create(rec: MediaRecord): boolean;
  get(mediaId: string): MediaRecord | null;
  /** Fills a pending record with its content; false when it had content already. */
  complete(mediaId: string, c: { sha256: string; size: number; contentType: string; filename: string | null }): boolean;
  /** Bytes of uploaded content the user holds, counted per upload (deduplication is the server's gain). */
  usage(uploader: string): number;
  /** Created ids of the user still waiting for content and not expired at `now`. */
  pendingCount(uploader: string, now: number): number;
  thumbnail(mediaId: string, width: number, height: number, method: 'crop' | 'scale', animated: boolean): ThumbnailRecord | null;
  putThumbnail(t: ThumbnailRecord): void;
}

/** A child event of a relation (spec "Forming relationships between events"). */
export interface RelationRow { eventId: string; relType: string; type: string; sender: string; key: string | null; stream: number }

/** The index of m.relates_to, written with each event (redacted events drop out). */
export interface RelationStore {
  /** Children of the event with stream in (from, to]. */
  children(parentId: string, fromExclusive: number, toInclusive: number, limit: number, newestFirst: boolean): RelationRow[];
  hasChildren(parentId: string): boolean;
  /** Thread roots of the room with the stream of their latest reply, newest first. */
  threadRoots(roomId: string, upTo: number): { rootId: string; latestStream: number }[];
}

export interface SearchHit { eventId: string; roomId: string; stream: number; rank: number }

/** Full-text index of message bodies, room names and topics. */
export interface SearchStore {
  /** Best matches first; every word of `terms` must occur. */
  search(terms: string, limit: number): SearchHit[];
}

/** Rooms published in this server's public room directory. */
export interface PublicRoomStore {
  set(roomId: string, visible: boolean): void;
  isPublic(roomId: string): boolean;
  list(): string[];
}

export interface ReportRecord { id: number; roomId: string; eventId: string | null; userId: string; reason: string | null; score: number | null; ts: number }

/** Content reports (spec reporting.yaml), for the server's admins. */
export interface ReportStore {
  add(r: Omit<ReportRecord, 'id'>): number;
  list(): ReportRecord[];
  /** A report about a user (`userId` reports `targetUserId`). */
  addUser(r: Omit<UserReportRecord, 'id'>): number;
  listUsers(): UserReportRecord[];
}

export interface UserReportRecord { id: number; targetUserId: string; userId: string; reason: string | null; ts: number }

/** Rooms a user forgot (spec POST /forget); a new membership brings the room back. */
export interface ForgottenRoomStore {
  /** Remembers the membership event the room was forgotten at (null: forgotten whatever comes). */
  forget(userId: string, roomId: string, membershipEventId: string | null): void;
  unforget(userId: string, roomId: string): void;
  /** True when forgotten and, if given, the membership is still the one it was forgotten at. */
  isForgotten(userId: string, roomId: string, membershipEventId?: string): boolean;
}

/**
 * Sliding sync (MSC4186) connections as the Matrix API serialized them, so that a `pos` outlives
 * a restart. One row per user, device and conn_id.
 */
export interface SlidingConnectionStore {
  get(userId: string, deviceId: string, connId: string): { lastUsed: number; data: string } | null;
  /**
   * Saves a connection, then drops the user's least recently used ones beyond `keepPerUser`.
   * Nothing is saved for a device that no longer exists: its connections went with it
   * (DeviceStore.deleteDevice, deleteAllDevices, AccountStore.deactivate), and a save that was
   * pending then must not bring them back.
   */
  put(userId: string, deviceId: string, connId: string, lastUsed: number, data: string, keepPerUser: number): void;
  remove(userId: string, deviceId: string, connId: string): void;
  /** Drops the connections last used before `before` (ms since the epoch); returns how many. */
  expire(before: number): number;
}

/** A thread subscription (MSC4306) as last changed; `stream` orders the changes of a user. */
export interface ThreadSubscription { roomId: string; threadId: string; subscribed: boolean; automatic: boolean; stream: number }

export interface ThreadSubscriptionStore {
  /** The thread's row, an unsubscription included; null when the user never subscribed. */
  get(userId: string, roomId: string, threadId: string): ThreadSubscription | null;
  put(userId: string, sub: ThreadSubscription): void;
  /** The user's changes with `after < stream < before`, newest first, at most `limit`. */
  changes(userId: string, after: number, before: number, limit: number): ThreadSubscription[];
}

/** Whole-server figures and destructive room operations, for the admin API only. */
export interface AdminStore {
  counts(): { users: number; deactivatedUsers: number; rooms: number; events: number; devices: number };
  roomEventCount(roomId: string): number;
  /** Deletes the room, its events, state, memberships, aliases and room account data. */
  purgeRoom(roomId: string): void;
}

/** Runs writes for one event-loop turn in one transaction; resolves after the commit. */
export interface WriteQueue {
  enqueue(write: () => void): Promise<void>;
  /**
   * For writes whose loss in a crash is harmless (a position that, when stale, makes the server
   * repeat rather than skip): they join the next group commit instead of paying for a disk sync
   * of their own, and are committed at the latest after `DEFERRED_WRITE_MS`. In queue order with
   * enqueue(): anything enqueued after them is committed with or after them.
   */
  enqueueDeferred(write: () => void): Promise<void>;
  /** Commits what is queued now (used at shutdown and by tests). */
  flush(): Promise<void>;
  /**
   * While a committed batch waits for its disk sync: a promise that settles once its writers have
   * been told (the batch is durable). Null when no sync is in flight.
   */
  inFlight(): Promise<void> | null;
}

export interface Storage {
  accounts: AccountStore;
  devices: DeviceStore;
  fastTokens: FastTokenStore;
  rooms: RoomStore;
  events: EventStore;
  accountData: AccountDataStore;
  txns: TxnStore;
  roster: RosterStore;
  kv: KeyValueStore;
  media: MediaStore;
  registrationTokens: RegistrationTokenStore;
  refreshTokens: RefreshTokenStore;
  admin: AdminStore;
  relations: RelationStore;
  search: SearchStore;
  publicRooms: PublicRoomStore;
  reports: ReportStore;
  forgottenRooms: ForgottenRoomStore;
  slidingConnections: SlidingConnectionStore;
  threadSubscriptions: ThreadSubscriptionStore;
  e2ee: E2eeStore;
  keyBackup: KeyBackupStore;
  pep: PepStore;
  privateXml: PrivateXmlStore;
  receipts: ReceiptStore;
  pushers: PusherStore;
  writes: WriteQueue;
  close(): void;
}

/** A Matrix receipt (spec receipts.md); threadId null for an unthreaded one. */
export interface StoredReceipt { roomId: string; userId: string; type: string; threadId: string | null; eventId: string; ts: number; stream: number }

/** The newest receipt per room, user, type and thread, positioned on the shared stream. */
export interface ReceiptStore {
  /** Highest stream position written here (the shared stream counter starts above it). */
  maxStream(): number;
  /** Records the receipt, replacing the user's previous one of the same type and thread. */
  put(r: StoredReceipt): void;
  /** Stream position of the room's newest receipt (0 for none). */
  latestIn(roomId: string): number;
  /** The room's receipts written in (from, to], oldest first. */
  between(roomId: string, fromExclusive: number, toInclusive: number): StoredReceipt[];
  ofUser(roomId: string, userId: string): StoredReceipt[];
}

/**
 * Push gateways of users (spec pusher.yaml), as the pusher JSON the client set. A pusher belongs
 * to the device that set it: deleting the device (logout, device deletion, DeviceStore) deletes it.
 */
export interface PusherStore {
  forUser(userId: string): JsonObject[];
  put(userId: string, appId: string, pushkey: string, pusher: JsonObject, deviceId: string | null): void;
  remove(userId: string, appId: string, pushkey: string): void;
  /** Removes the app_id/pushkey pair from every other user (spec: unless `append`). */
  removeOthers(appId: string, pushkey: string, keepUserId: string): void;
}

/** A key a device published: its id (`algorithm:key_id`) and the signed JSON as uploaded. */
export interface StoredKey { keyId: string; key: JsonObject }

/**
 * End-to-end encryption material of local devices (spec "End-to-End Encryption"): device keys,
 * one-time and fallback keys, cross-signing keys, the device-list change log, and to-device
 * messages. The server never reads inside it beyond ids and signatures.
 */
export interface E2eeStore {
  /** Highest stream position written here (the shared stream counter starts above it). */
  maxStream(): number;
  putDeviceKeys(userId: string, deviceId: string, keys: JsonObject): void;
  /** Device keys by device id (only devices that uploaded keys). */
  deviceKeys(userId: string): Map<string, JsonObject>;
  /** Forgets all keys and pending to-device messages of a deleted device. */
  deleteDevice(userId: string, deviceId: string): void;
  /** Adds one-time keys; ids the device already has are left alone. */
  addOneTimeKeys(userId: string, deviceId: string, keys: StoredKey[]): void;
  oneTimeKeyCounts(userId: string, deviceId: string): Record<string, number>;
  /** Removes and returns one one-time key of the algorithm, or null when none is left. */
  takeOneTimeKey(userId: string, deviceId: string, algorithm: string): StoredKey | null;
  /** Sets the device's fallback key for the key's algorithm (unused again). */
  putFallbackKey(userId: string, deviceId: string, key: StoredKey): void;
  /** Returns the fallback key of the algorithm and marks it used; null when none. */
  useFallbackKey(userId: string, deviceId: string, algorithm: string): StoredKey | null;
  unusedFallbackAlgorithms(userId: string, deviceId: string): string[];
  putCrossSigningKey(userId: string, usage: string, key: JsonObject): void;
  crossSigningKeys(userId: string): Map<string, JsonObject>;
  /** Records that the user's devices or keys changed at the stream position. */
  markChanged(userId: string, stream: number): void;
  /** Users whose keys changed in (from, to]. */
  changedBetween(fromExclusive: number, toInclusive: number): string[];
  addToDevice(userId: string, deviceId: string, stream: number, message: JsonObject): void;
  /** Pending to-device messages with stream in (from, to], oldest first, at most `limit` of them. */
  toDeviceBetween(userId: string, deviceId: string, fromExclusive: number, toInclusive: number, limit?: number): { stream: number; message: JsonObject }[];
  /** True when the device has a message with stream up to and including the position (one to acknowledge). */
  hasToDeviceUpTo(userId: string, deviceId: string, toInclusive: number): boolean;
  /** Drops messages the device acknowledged (stream up to and including the position). */
  deleteToDeviceUpTo(userId: string, deviceId: string, toInclusive: number): void;
}

export interface BackupVersion { version: string; algorithm: string; authData: JsonObject; etag: number }

/** Server-side key backup (spec key_backup.yaml): opaque session data per version, room and session. */
export interface KeyBackupStore {
  createVersion(userId: string, algorithm: string, authData: JsonObject): string;
  /** The named version, or the newest one when version is null; deleted versions are gone. */
  getVersion(userId: string, version: string | null): BackupVersion | null;
  updateVersion(userId: string, version: string, authData: JsonObject): void;
  deleteVersion(userId: string, version: string): void;
  putSession(userId: string, version: string, roomId: string, sessionId: string, data: JsonObject): void;
  getSession(userId: string, version: string, roomId: string, sessionId: string): JsonObject | null;
  /** Sessions of the version, narrowed to one room (and one session) when given. */
  sessions(userId: string, version: string, roomId?: string, sessionId?: string): { roomId: string; sessionId: string; data: JsonObject }[];
  deleteSessions(userId: string, version: string, roomId?: string, sessionId?: string): void;
  count(userId: string, version: string): number;
  /** Moves the version's etag on (after any change to its sessions). */
  bumpEtag(userId: string, version: string): void;
}
