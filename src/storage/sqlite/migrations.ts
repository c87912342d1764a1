// Versioned schema: migration N brings the database from user_version N-1 to N. Never edit a
// released migration; add the next one.
import type Database from 'better-sqlite3';

export const MIGRATIONS: string[] = [
  // 1: accounts, devices, rooms, events, state groups, aliases, account data, roster
  `
  CREATE TABLE accounts (
    localpart TEXT PRIMARY KEY,
    created_ts INTEGER NOT NULL,
    admin INTEGER NOT NULL DEFAULT 0,
    deactivated INTEGER NOT NULL DEFAULT 0,
    displayname TEXT,
    avatar_url TEXT
  );
  CREATE TABLE scram_credentials (
    localpart TEXT NOT NULL REFERENCES accounts(localpart) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    salt BLOB NOT NULL,
    iterations INTEGER NOT NULL,
    stored_key BLOB NOT NULL,
    server_key BLOB NOT NULL,
    PRIMARY KEY (localpart, hash)
  );
  CREATE TABLE devices (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    display_name TEXT,
    last_seen_ts INTEGER,
    PRIMARY KEY (user_id, device_id)
  );
  CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    created_ts INTEGER NOT NULL
  );
  CREATE INDEX access_tokens_device ON access_tokens(user_id, device_id);
  CREATE TABLE rooms (
    room_id TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    creator TEXT NOT NULL,
    created_ts INTEGER NOT NULL,
    head_event_id TEXT NOT NULL,
    head_depth INTEGER NOT NULL,
    head_state_group INTEGER NOT NULL
  );
  CREATE TABLE events (
    stream INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    room_id TEXT NOT NULL,
    type TEXT NOT NULL,
    state_key TEXT,
    sender TEXT NOT NULL,
    state_group INTEGER NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX events_room_stream ON events(room_id, stream);
  CREATE TABLE state_groups (
    id INTEGER PRIMARY KEY,
    room_id TEXT NOT NULL,
    prev_id INTEGER,
    full INTEGER NOT NULL,
    delta TEXT NOT NULL
  );
  CREATE TABLE memberships (
    room_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    membership TEXT NOT NULL,
    event_id TEXT NOT NULL,
    stream INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
  );
  CREATE INDEX memberships_user ON memberships(user_id, membership);
  CREATE TABLE room_aliases (
    alias TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    creator TEXT NOT NULL
  );
  CREATE INDEX room_aliases_room ON room_aliases(room_id);
  CREATE TABLE account_data (
    user_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    type TEXT NOT NULL,
    content TEXT NOT NULL,
    stream INTEGER NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
  );
  CREATE INDEX account_data_stream ON account_data(user_id, stream);
  CREATE TABLE client_txns (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    txn_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
  );
  CREATE TABLE roster (
    user TEXT NOT NULL,
    jid TEXT NOT NULL,
    name TEXT,
    subscription TEXT NOT NULL,
    ask INTEGER NOT NULL,
    pending_in INTEGER NOT NULL,
    groups TEXT NOT NULL,
    PRIMARY KEY (user, jid)
  );
  CREATE TABLE roster_versions (user TEXT PRIMARY KEY, version INTEGER NOT NULL);
  CREATE TABLE kv (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, key));
  `,
  // 2: which events a redaction took effect on, written with the redaction itself
  `
  CREATE TABLE redactions (
    target_id TEXT PRIMARY KEY,
    redaction_id TEXT NOT NULL
  );
  `,
  // 3: registration tokens; refresh tokens with the expiry of the access token issued alongside
  `
  CREATE TABLE registration_tokens (
    token TEXT PRIMARY KEY,
    uses_allowed INTEGER,
    completed INTEGER NOT NULL DEFAULT 0,
    expiry_ts INTEGER,
    created_ts INTEGER NOT NULL
  );
  CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    access_hash TEXT NOT NULL,
    access_expires_ts INTEGER NOT NULL
  );
  CREATE INDEX refresh_tokens_device ON refresh_tokens(user_id, device_id);
  CREATE INDEX refresh_tokens_access ON refresh_tokens(access_hash);
  `,
  // media: uploads (pending ones have no sha256 yet) and cached thumbnails; bytes are files named by sha256
  `
  CREATE TABLE media (
    media_id TEXT PRIMARY KEY,
    uploader TEXT NOT NULL,
    created_ts INTEGER NOT NULL,
    sha256 TEXT,
    size INTEGER,
    content_type TEXT,
    filename TEXT,
    expires_ts INTEGER
  );
  CREATE INDEX media_uploader ON media(uploader);
  CREATE TABLE media_thumbnails (
    media_id TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    method TEXT NOT NULL,
    animated INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    PRIMARY KEY (media_id, width, height, method, animated)
  );
  `,
  // E2EE (Matrix): device, one-time, fallback and cross-signing keys; device-list change log;
  // to-device messages; server-side key backup
  `
  CREATE TABLE e2ee_device_keys (
    user_id TEXT NOT NULL, device_id TEXT NOT NULL, keys_json TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id)
  );
  CREATE TABLE e2ee_one_time_keys (
    user_id TEXT NOT NULL, device_id TEXT NOT NULL, algorithm TEXT NOT NULL, key_id TEXT NOT NULL, key_json TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id, key_id)
  );
  CREATE INDEX e2ee_otk_algorithm ON e2ee_one_time_keys(user_id, device_id, algorithm);
  CREATE TABLE e2ee_fallback_keys (
    user_id TEXT NOT NULL, device_id TEXT NOT NULL, algorithm TEXT NOT NULL, key_id TEXT NOT NULL, key_json TEXT NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, algorithm)
  );
  CREATE TABLE e2ee_cross_signing_keys (
    user_id TEXT NOT NULL, usage TEXT NOT NULL, key_json TEXT NOT NULL,
    PRIMARY KEY (user_id, usage)
  );
  CREATE TABLE e2ee_key_changes (user_id TEXT PRIMARY KEY, stream INTEGER NOT NULL);
  CREATE INDEX e2ee_key_changes_stream ON e2ee_key_changes(stream);
  CREATE TABLE e2ee_to_device (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL, device_id TEXT NOT NULL, stream INTEGER NOT NULL, message_json TEXT NOT NULL
  );
  CREATE INDEX e2ee_to_device_inbox ON e2ee_to_device(user_id, device_id, stream);
  CREATE TABLE e2ee_backup_versions (
    user_id TEXT NOT NULL, version INTEGER NOT NULL, algorithm TEXT NOT NULL, auth_data TEXT NOT NULL,
    etag INTEGER NOT NULL, deleted INTEGER NOT NULL,
    PRIMARY KEY (user_id, version)
  );
  CREATE TABLE e2ee_backup_keys (
    user_id TEXT NOT NULL, version INTEGER NOT NULL, room_id TEXT NOT NULL, session_id TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (user_id, version, room_id, session_id)
  );
  `,
  // PEP (XEP-0163) nodes and items, and XEP-0049 private XML storage
  `
  CREATE TABLE pep_nodes (
    owner TEXT NOT NULL,
    node TEXT NOT NULL,
    config TEXT NOT NULL,
    PRIMARY KEY (owner, node)
  );
  CREATE TABLE pep_items (
    owner TEXT NOT NULL,
    node TEXT NOT NULL,
    item_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    payload TEXT NOT NULL,
    publisher TEXT NOT NULL,
    ts INTEGER NOT NULL,
    PRIMARY KEY (owner, node, item_id)
  );
  CREATE INDEX pep_items_seq ON pep_items(owner, node, seq);
  CREATE TABLE private_xml (
    owner TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (owner, key)
  );
  `,
  // Room features: relations index (m.relates_to), full-text search over message bodies (FTS5),
  // the public room directory, content reports, forgotten rooms
  `
  CREATE TABLE event_relations (
    event_id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    rel_type TEXT NOT NULL,
    type TEXT NOT NULL,
    sender TEXT NOT NULL,
    key TEXT,
    stream INTEGER NOT NULL
  );
  CREATE INDEX event_relations_parent ON event_relations(parent_id, rel_type, stream);
  CREATE INDEX event_relations_room ON event_relations(room_id, rel_type, stream);
  CREATE VIRTUAL TABLE event_search USING fts5(body, event_id UNINDEXED, room_id UNINDEXED, stream UNINDEXED);
  CREATE TABLE room_directory (room_id TEXT PRIMARY KEY, added_ts INTEGER NOT NULL);
  CREATE TABLE event_reports (
    id INTEGER PRIMARY KEY,
    room_id TEXT NOT NULL,
    event_id TEXT,
    user_id TEXT NOT NULL,
    reason TEXT,
    score INTEGER,
    ts INTEGER NOT NULL
  );
  CREATE TABLE forgotten_rooms (user_id TEXT NOT NULL, room_id TEXT NOT NULL, PRIMARY KEY (user_id, room_id));
  `,
  // Matrix receipts (per room, user, type and thread) and push gateways (pushers)
  `
  CREATE TABLE receipts (
    room_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    receipt_type TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    stream INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
  );
  CREATE INDEX receipts_stream ON receipts(room_id, stream);
  CREATE TABLE pushers (
    user_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    pushkey TEXT NOT NULL,
    pusher_json TEXT NOT NULL,
    PRIMARY KEY (user_id, app_id, pushkey)
  );
  CREATE INDEX pushers_key ON pushers(app_id, pushkey);
  `,
  // Forgotten rooms remember which leave they were forgotten at: a later membership brings the room back
  `
  ALTER TABLE forgotten_rooms ADD COLUMN event_id TEXT;
  `,
  // XEP-0484 FAST tokens: two slots per client (account + user-agent id), only hashes of the proofs
  `
  CREATE TABLE fast_tokens (
    localpart TEXT NOT NULL,
    client_id TEXT NOT NULL,
    slot TEXT NOT NULL,
    mechanism TEXT NOT NULL,
    proof_hash BLOB NOT NULL,
    server_proof BLOB NOT NULL,
    expires_ts INTEGER NOT NULL,
    last_count INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (localpart, client_id, slot)
  );
  `,
  // RFC 6121 §3.4 subscription pre-approvals on roster items
  `
  ALTER TABLE roster ADD COLUMN approved INTEGER NOT NULL DEFAULT 0;
  `,
  // The history of one piece of state (a user's memberships, history_visibility) for per-event visibility
  `
  CREATE INDEX events_room_state ON events(room_id, type, state_key, stream);
  `,
  // Pushers remember the device that set them, and go when it is deleted
  `
  ALTER TABLE pushers ADD COLUMN device_id TEXT;
  `,
  // XEP-0484 FAST tokens for the channel-binding HT mechanisms keep the token (see fast-tokens.ts)
  `
  ALTER TABLE fast_tokens ADD COLUMN secret BLOB;
  `,
  // Reports about users (spec v1.14, POST /users/{userId}/report), for the server's admins
  `
  CREATE TABLE user_reports (
    id INTEGER PRIMARY KEY,
    target_user_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    reason TEXT,
    ts INTEGER NOT NULL
  );
  `,
  // Sliding sync (MSC4186) connection state, so that a client's pos outlives a restart
  `
  CREATE TABLE sliding_connections (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    conn_id TEXT NOT NULL,
    last_used INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id, conn_id)
  );
  CREATE INDEX sliding_connections_last_used ON sliding_connections(last_used);
  `,
  // Account locking and suspension (spec "Account moderation"): reversible, unlike deactivation
  `
  ALTER TABLE accounts ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE accounts ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
  `,
  // Thread subscriptions (MSC4306): one row per user and thread, kept when unsubscribed so that
  // the unsubscription's position orders later automatic subscriptions and reaches sync (MSC4308)
  `
  CREATE TABLE thread_subscriptions (
    user_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    subscribed INTEGER NOT NULL,
    automatic INTEGER NOT NULL,
    stream INTEGER NOT NULL,
    PRIMARY KEY (user_id, room_id, thread_id)
  );
  CREATE INDEX thread_subscriptions_user_stream ON thread_subscriptions(user_id, stream);
  `,
  // The state-history index holds state events only (its one query asks for a state_key): every
  // message added a row to it, one more B-tree page written to the WAL per commit (a third of
  // the bytes a 1:1 message wrote, docs/performance.md session 4)
  `
  DROP INDEX events_room_state;
  CREATE INDEX events_room_state ON events(room_id, type, state_key, stream) WHERE state_key IS NOT NULL;
  `,
  // Where and with what client a device was last seen (Element's session manager shows both).
  `
  ALTER TABLE devices ADD COLUMN last_seen_ip TEXT;
  ALTER TABLE devices ADD COLUMN last_seen_user_agent TEXT;
  `,
];

export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this Hearth (${MIGRATIONS.length}); upgrade Hearth`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
