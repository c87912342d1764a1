// Bad input of every kind on the Client-Server API, by seeded mutation of valid requests: a value of
// another type, a dropped or unknown key, broken JSON, odd path segments and query strings. Every
// answer must be a clear client error (4xx with an M_* errcode) or a success, never a 500 or a
// dropped connection, and what was accepted before is still there afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { matrixFetch, v3, enc } from './matrix-fetch.js';
import { mutateBody, oddSegment, oddValue, pick, rng, type Rand } from './fuzz/mutate.js';

// CI runs one fixed seed; FUZZ_SEED and FUZZ_CASES run others by hand (README, Development).
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CASES = Number(process.env.FUZZ_CASES ?? 1500);
let server: TestServer;
const http = matrixFetch(() => server.matrixUrl);
let token = '';
let room = '';
let event = '';
/** A room and message the fuzz never names: it must read back the same afterwards. */
let keptRoom = '';
let keptEvent = '';

before(async () => {
  server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
  await server.addUser('alice');
  await server.addUser('bob');
  token = (await http.login('alice')).json.access_token;
  room = (await http.ok('POST', `${v3}/createRoom`, { token, body: { name: 'fuzz' } })).room_id;
  event = (await http.ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/t0`, { token, body: { msgtype: 'm.text', body: 'target' } })).event_id;
  keptRoom = (await http.ok('POST', `${v3}/createRoom`, { token, body: { name: 'kept' } })).room_id;
  keptEvent = (await http.ok('PUT', `${v3}/rooms/${enc(keptRoom)}/send/m.room.message/k0`, { token, body: { msgtype: 'm.text', body: 'before the fuzz' } })).event_id;
});
after(() => server.destroy());

interface Template { method: string; path: string; body?: unknown; query?: Record<string, string> }

/** Valid requests; {room}, {event}, {user}, {txn} are filled in (or mutated) per case. */
const TEMPLATES: Template[] = [
  { method: 'POST', path: '/createRoom', body: { name: 'n', topic: 't', preset: 'private_chat', invite: ['@bob:localhost'], room_version: '11',
    initial_state: [{ type: 'm.room.guest_access', state_key: '', content: { guest_access: 'can_join' } }], creation_content: { 'm.federate': false },
    power_level_content_override: { events_default: 0 } } },
  { method: 'PUT', path: '/rooms/{room}/send/m.room.message/{txn}', body: { msgtype: 'm.text', body: 'hi', 'm.mentions': { user_ids: ['@bob:localhost'] },
    'm.relates_to': { 'm.in_reply_to': { event_id: '{event}' } } } },
  { method: 'PUT', path: '/rooms/{room}/send/m.reaction/{txn}', body: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '{event}', key: '👍' } } },
  { method: 'PUT', path: '/rooms/{room}/state/m.room.topic/', body: { topic: 'a topic' } },
  { method: 'PUT', path: '/rooms/{room}/state/m.room.power_levels/', body: { users: { '@alice:localhost': 100 }, events_default: 0, state_default: 50 } },
  { method: 'PUT', path: '/rooms/{room}/state/m.room.join_rules/', body: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '{room}' }] } },
  { method: 'PUT', path: '/rooms/{room}/redact/{event}/{txn}', body: { reason: 'r' } },
  { method: 'POST', path: '/rooms/{room}/receipt/m.read/{event}', body: { thread_id: 'main' } },
  { method: 'POST', path: '/rooms/{room}/read_markers', body: { 'm.fully_read': '{event}', 'm.read': '{event}', 'm.read.private': '{event}' } },
  { method: 'PUT', path: '/rooms/{room}/typing/{user}', body: { typing: true, timeout: 1000 } },
  { method: 'POST', path: '/rooms/{room}/invite', body: { user_id: '@bob:localhost', reason: 'come' } },
  { method: 'POST', path: '/rooms/{room}/ban', body: { user_id: '@nobody:localhost', reason: 'r' } },
  { method: 'POST', path: '/join/{room}', body: { reason: 'r' } },
  { method: 'POST', path: '/knock/{room}', body: { reason: 'r' } },
  { method: 'POST', path: '/rooms/{room}/report/{event}', body: { reason: 'spam', score: -100 } },
  { method: 'GET', path: '/rooms/{room}/messages', query: { dir: 'b', limit: '10', filter: '{"lazy_load_members":true}' } },
  { method: 'GET', path: '/rooms/{room}/context/{event}', query: { limit: '5' } },
  { method: 'GET', path: '/rooms/{room}/relations/{event}', query: { limit: '5' } },
  { method: 'GET', path: '/rooms/{room}/members', query: { membership: 'join' } },
  { method: 'GET', path: '/rooms/{room}/event/{event}' },
  { method: 'GET', path: '/rooms/{room}/threads', query: { include: 'all' } },
  { method: 'GET', path: '/rooms/{room}/hierarchy', query: { limit: '5' } },
  { method: 'POST', path: '/user/{user}/filter', body: { room: { timeline: { limit: 5, types: ['m.room.message'] }, state: { lazy_load_members: true } }, event_fields: ['content.body'] } },
  { method: 'GET', path: '/sync', query: { timeout: '0', filter: '{"room":{"timeline":{"limit":1}}}', full_state: 'false' } },
  { method: 'PUT', path: '/profile/{user}/displayname', body: { displayname: 'Alice' } },
  { method: 'PUT', path: '/user/{user}/account_data/m.fuzz', body: { a: 1 } },
  { method: 'PUT', path: '/user/{user}/rooms/{room}/tags/u.x', body: { order: 0.5 } },
  { method: 'POST', path: '/keys/upload', body: { one_time_keys: { 'signed_curve25519:AAAA': { key: 'k', signatures: {} } }, fallback_keys: {} } },
  { method: 'POST', path: '/keys/query', body: { device_keys: { '@alice:localhost': [] }, timeout: 1000 } },
  { method: 'POST', path: '/keys/claim', body: { one_time_keys: { '@alice:localhost': { DEV: 'signed_curve25519' } } } },
  { method: 'PUT', path: '/sendToDevice/m.fuzz/{txn}', body: { messages: { '@bob:localhost': { '*': { a: 1 } } } } },
  { method: 'POST', path: '/room_keys/version', body: { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: { public_key: 'abc' } } },
  { method: 'POST', path: '/search', body: { search_categories: { room_events: { search_term: 'hi', filter: { rooms: ['{room}'] }, order_by: 'recent' } } } },
  { method: 'POST', path: '/user_directory/search', body: { search_term: 'bo', limit: 5 } },
  { method: 'PUT', path: '/pushrules/global/override/fz', body: { actions: ['notify'], conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.x' }] } },
  { method: 'POST', path: '/pushers/set', body: { kind: 'http', app_id: 'a', pushkey: 'k', app_display_name: 'A', device_display_name: 'D', lang: 'en', data: { url: 'http://127.0.0.1:9/_matrix/push/v1/notify' } } },
  { method: 'POST', path: '/login', body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'bob' }, password: 'secret-pw' } },
  { method: 'POST', path: '/register', body: { username: 'fz', password: 'pw-pw-pw', auth: { type: 'm.login.dummy' } } },
  { method: 'PUT', path: '/directory/room/{alias}', body: { room_id: '{room}' } },
  { method: 'POST', path: '/publicRooms', body: { limit: 5, filter: { generic_search_term: 'f' } } },
  { method: 'POST', path: '/keys/signatures/upload', body: { '@alice:localhost': { DEV: { signatures: {} } } } },
  { method: 'PUT', path: '/profile/{user}/m.tz', body: { 'm.tz': 'Europe/Paris' } },
  { method: 'POST', path: '/users/{user}/report', body: { reason: 'spam' } },
  { method: 'POST', path: '/rooms/{room}/report', body: { reason: 'spam' } },
  { method: 'GET', path: '/_matrix/client/v1/mutual_rooms', query: { user_id: '@bob:localhost' } },
  { method: 'GET', path: '/_matrix/client/v1/room_summary/{room}', query: { via: 'localhost' } },
  { method: 'POST', path: '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync', body: { lists: { all: { ranges: [[0, 10]], timeline_limit: 1, required_state: [['*', '*']] } }, extensions: { e2ee: { enabled: true } } } },
];

const fill = (s: string, txn: string) => s.replaceAll('{room}', room).replaceAll('{event}', event).replaceAll('{user}', '@alice:localhost')
  .replaceAll('{txn}', txn).replaceAll('{alias}', `#fz${txn}:localhost`);

function fillBody(v: unknown, txn: string): unknown {
  return JSON.parse(fill(JSON.stringify(v), txn));
}

interface Case { method: string; url: string; body?: string; what: string }

function makeCase(r: Rand, i: number): Case {
  const t = pick(r, TEMPLATES);
  const txn = `f${i}`;
  let path = t.path.startsWith('/_matrix/') ? t.path : `${v3}${t.path}`;
  // Placeholders are IDs, encoded as a client would; one of them may be replaced by junk.
  const holes = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[0]);
  const junk = holes.length > 0 && r() < 0.25 ? pick(r, holes) : null;
  for (const h of holes) path = path.replace(h, h === junk ? oddSegment(r) : enc(fill(h, txn)));
  const query = new URLSearchParams(t.query ?? {});
  if (r() < 0.2) query.set(pick(r, ['limit', 'from', 'to', 'dir', 'filter', 'timeout', 'since', 'pos', 'full_state', 'recurse']), JSON.stringify(oddValue(r)).slice(0, 3000));
  const qs = query.size > 0 ? `?${query}` : '';
  const body = t.body === undefined ? undefined : junk === null && r() < 0.1 ? JSON.stringify(fillBody(t.body, txn)) : mutateBody(r, fillBody(t.body, txn));
  return { method: t.method, url: `${path}${qs}`, body, what: `#${i} ${t.method} ${t.path}` };
}

test(`${CASES} mutated requests: each a 2xx or a 4xx with an M_* errcode; nothing accepted before is lost`, async () => {
  const r = rng(SEED);
  const problems: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const c = makeCase(r, i);
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${server.matrixUrl}${c.url}`, {
        method: c.method, body: c.body,
        headers: { Authorization: `Bearer ${token}`, ...(c.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      problems.push(`${c.what}: no answer (${(e as Error).message}) for ${c.url} ${c.body?.slice(0, 200)}`);
      continue;
    }
    if (status >= 500) problems.push(`${c.what}: ${status} ${text.slice(0, 200)} for ${c.url.slice(0, 200)} ${c.body?.slice(0, 300)}`);
    else if (status >= 400) {
      let json: { errcode?: unknown; error?: unknown } = {};
      try { json = JSON.parse(text); } catch { /* reported below */ }
      if (typeof json.errcode !== 'string' || !/^M_[A-Z_]+$/.test(json.errcode) || typeof json.error !== 'string') {
        problems.push(`${c.what}: ${status} without an M_* errcode and error: ${text.slice(0, 200)}`);
      }
    }
  }
  assert.deepEqual(problems.slice(0, 15), [], `${problems.length} bad answers`);

  // The server still serves, and what was accepted before the fuzz is intact.
  const ev = await http.ok('GET', `${v3}/rooms/${enc(keptRoom)}/event/${enc(keptEvent)}`, { token });
  assert.equal(ev.content.body, 'before the fuzz');
  const fresh = (await http.login('alice')).json.access_token;
  const sync = await http.ok('GET', `${v3}/sync?timeout=0`, { token: fresh });
  assert.ok(sync.rooms.join[keptRoom], 'the room is still in a new device\'s sync');
  const history = await http.ok('GET', `${v3}/rooms/${enc(keptRoom)}/messages?dir=b&limit=1000`, { token: fresh });
  assert.deepEqual(history.chunk.filter((e: { type: string }) => e.type === 'm.room.message').map((e: { content: { body: string } }) => e.content.body), ['before the fuzz']);
});
