// The E2EE and device endpoints with raw requests: exact shapes, bad input, and the /sync
// sections (to_device, device_lists, key counts) as a client that reads the wire would see them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, enc, matrixFetch, v3 } from './matrix-fetch.js';

let server: TestServer;
const { call, login, ok } = matrixFetch(() => server.matrixUrl);
interface Who { token: string; userId: string; deviceId: string }

async function session(name: string): Promise<Who> {
  const r = (await login(name)).json;
  return { token: r.access_token, userId: r.user_id, deviceId: r.device_id };
}

function deviceKeys(w: Who, extra: Record<string, unknown> = {}) {
  return {
    user_id: w.userId, device_id: w.deviceId, algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
    keys: { [`curve25519:${w.deviceId}`]: 'curvekey', [`ed25519:${w.deviceId}`]: 'edkey' },
    signatures: { [w.userId]: { [`ed25519:${w.deviceId}`]: 'sig' } }, ...extra,
  };
}

const sync = (w: Who, since?: string, timeout = 0) =>
  ok('GET', `${v3}/sync?timeout=${timeout}${since ? `&since=${enc(since)}` : ''}`, { token: w.token });

describe('Matrix E2EE endpoints (raw)', () => {
  let alice: Who;
  let bob: Who;
  let roomId: string;

  before(async () => {
    server = await startTestServer();
    await server.addUser('alice');
    await server.addUser('bob');
    alice = await session('alice');
    bob = await session('bob');
    roomId = (await ok('POST', `${v3}/createRoom`, { token: alice.token, body: { invite: [bob.userId], preset: 'public_chat' } })).room_id;
    await ok('POST', `${v3}/join/${enc(roomId)}`, { token: bob.token, body: {} });
  });
  after(async () => { await server.destroy(); });

  it('refuses keys that name another user or device, and malformed uploads', async () => {
    const up = (body: unknown, raw?: string) => call('POST', `${v3}/keys/upload`, { token: alice.token, body, raw });
    assertError(await up({ device_keys: deviceKeys(alice, { user_id: bob.userId }) }), 400, 'M_INVALID_PARAM');
    assertError(await up({ device_keys: deviceKeys(alice, { device_id: 'OTHER' }) }), 400, 'M_INVALID_PARAM');
    assertError(await up({ device_keys: 'nope' }), 400, 'M_BAD_JSON');
    assertError(await up({ device_keys: deviceKeys(alice, { keys: { nocolon: 'x' } }) }), 400, 'M_BAD_JSON');
    assertError(await up({ one_time_keys: { 'signed_curve25519:A': 7 } }), 400, 'M_BAD_JSON');
    assertError(await up({ one_time_keys: { nocolon: 'k' } }), 400, 'M_BAD_JSON');
    assertError(await up(undefined, '{"device_keys":'), 400, 'M_NOT_JSON');
    assertError(await up([1, 2]), 400, 'M_BAD_JSON');
    // Nothing bad was stored.
    const q = await ok('POST', `${v3}/keys/query`, { token: bob.token, body: { device_keys: { [alice.userId]: [] } } });
    assert.deepEqual(q.device_keys[alice.userId], {});
  });

  it('uploads keys, counts one-time keys, claims them and then the fallback key', async () => {
    const r = await ok('POST', `${v3}/keys/upload`, {
      token: alice.token,
      body: {
        device_keys: deviceKeys(alice),
        one_time_keys: { 'signed_curve25519:AAAA': { key: 'k1', signatures: {} }, 'signed_curve25519:AAAB': { key: 'k2', signatures: {} } },
        fallback_keys: { 'signed_curve25519:FB': { key: 'fb', fallback: true, signatures: {} } },
      },
    });
    assert.deepEqual(r.one_time_key_counts, { signed_curve25519: 2 });
    const s = await sync(alice);
    assert.deepEqual(s.device_one_time_keys_count, { signed_curve25519: 2 });
    assert.deepEqual(s.device_unused_fallback_key_types, ['signed_curve25519']);

    const q = await ok('POST', `${v3}/keys/query`, { token: bob.token, body: { device_keys: { [alice.userId]: [alice.deviceId], '@x:elsewhere.example': [] } } });
    assert.equal(q.device_keys[alice.userId][alice.deviceId].keys[`ed25519:${alice.deviceId}`], 'edkey');
    assert.equal(q.device_keys[alice.userId][alice.deviceId].unsigned, undefined, 'no display name was given at login');
    assert.ok(q.failures['elsewhere.example']);

    const claim = () => ok('POST', `${v3}/keys/claim`, {
      token: bob.token, body: { one_time_keys: { [alice.userId]: { [alice.deviceId]: 'signed_curve25519' }, '@nobody:localhost': { X: 'signed_curve25519' } } },
    });
    const got = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const c = await claim();
      assert.deepEqual(Object.keys(c.one_time_keys), [alice.userId], 'unknown users get nothing');
      got.add(Object.keys(c.one_time_keys[alice.userId][alice.deviceId])[0]);
    }
    assert.deepEqual([...got].sort(), ['signed_curve25519:AAAA', 'signed_curve25519:AAAB']);
    const third = await claim();
    assert.deepEqual(third.one_time_keys[alice.userId][alice.deviceId], { 'signed_curve25519:FB': { key: 'fb', fallback: true, signatures: {} } });
    const after = await sync(alice);
    assert.deepEqual(after.device_one_time_keys_count, { signed_curve25519: 0 });
    assert.deepEqual(after.device_unused_fallback_key_types, []);
    assertError(await call('POST', `${v3}/keys/claim`, { token: bob.token, body: { one_time_keys: { [alice.userId]: { D: 5 } } } }), 400, 'M_BAD_JSON');
    // A logged-out device's keys are neither listed nor claimable.
    const gone = await session('alice');
    await ok('POST', `${v3}/keys/upload`, { token: gone.token, body: { device_keys: deviceKeys(gone), one_time_keys: { 'signed_curve25519:G': 'g' } } });
    await ok('POST', `${v3}/logout`, { token: gone.token });
    const claimGone = await ok('POST', `${v3}/keys/claim`, { token: bob.token, body: { one_time_keys: { [alice.userId]: { [gone.deviceId]: 'signed_curve25519' } } } });
    assert.deepEqual(claimGone.one_time_keys, {});
    const qGone = await ok('POST', `${v3}/keys/query`, { token: bob.token, body: { device_keys: { [alice.userId]: [] } } });
    assert.deepEqual(Object.keys(qGone.device_keys[alice.userId]), [alice.deviceId]);
    assertError(await call('POST', `${v3}/keys/query`, { token: bob.token, body: { device_keys: { [alice.userId]: 'all' } } }), 400, 'M_BAD_JSON');
  });

  it('tells room-mates about key changes in device_lists and /keys/changes, and reports who left', async () => {
    const before = (await sync(bob)).next_batch as string;
    const poll = sync(bob, before, 20000);
    await ok('POST', `${v3}/keys/upload`, { token: alice.token, body: { device_keys: deviceKeys(alice, { algorithms: ['m.megolm.v1.aes-sha2'] }) } });
    const woke = await poll;
    assert.deepEqual(woke.device_lists.changed, [alice.userId]);
    const changes = await ok('GET', `${v3}/keys/changes?from=${enc(before)}&to=${enc(woke.next_batch)}`, { token: bob.token });
    assert.deepEqual(changes.changed, [alice.userId]);
    assertError(await call('GET', `${v3}/keys/changes?from=${enc(before)}`, { token: bob.token }), 400, 'M_INVALID_PARAM');

    await ok('POST', `${v3}/rooms/${enc(roomId)}/leave`, { token: alice.token, body: {} });
    const left = await sync(bob, woke.next_batch);
    assert.deepEqual(left.device_lists.left, [alice.userId]);
    const leftChanges = await ok('GET', `${v3}/keys/changes?from=${enc(woke.next_batch)}&to=${enc(left.next_batch)}`, { token: bob.token });
    assert.deepEqual(leftChanges.left, [alice.userId]);
    await ok('POST', `${v3}/join/${enc(roomId)}`, { token: alice.token, body: {} });
    const back = await sync(bob, left.next_batch);
    assert.deepEqual(back.device_lists.changed, [alice.userId]);
  });

  it('a logout ends the device: its keys are gone and room-mates are told through device_lists', async () => {
    const phone = await session('alice');
    await ok('POST', `${v3}/keys/upload`, { token: phone.token, body: { device_keys: deviceKeys(phone) } });
    const before = (await sync(bob)).next_batch as string;
    await ok('POST', `${v3}/logout`, { token: phone.token, body: {} });
    const after = await sync(bob, before);
    assert.deepEqual(after.device_lists.changed, [alice.userId]);
    const q = await ok('POST', `${v3}/keys/query`, { token: bob.token, body: { device_keys: { [alice.userId]: [] } } });
    assert.equal(q.device_keys[alice.userId][phone.deviceId], undefined);
    assertError(await call('GET', `${v3}/account/whoami`, { token: phone.token }), 401, 'M_UNKNOWN_TOKEN');
  });

  it('delivers to-device messages once, to one device or all, and drops them when acknowledged', async () => {
    const bob2 = await session('bob');
    const b1 = (await sync(bob)).next_batch as string;
    const poll = sync(bob, b1, 20000);
    const send = (txn: string, messages: unknown) => call('PUT', `${v3}/sendToDevice/m.test/${txn}`, { token: alice.token, body: { messages } });
    assert.equal((await send('t1', { [bob.userId]: { [bob.deviceId]: { n: 1 } } })).status, 200);
    const woke = await poll;
    assert.deepEqual(woke.to_device.events, [{ sender: alice.userId, type: 'm.test', content: { n: 1 } }]);
    // The same transaction again is accepted and sends nothing.
    assert.equal((await send('t1', { [bob.userId]: { [bob.deviceId]: { n: 1 } } })).status, 200);
    await send('t2', { [bob.userId]: { '*': { n: 2 } }, '@ghost:localhost': { X: { n: 3 } } });
    // A long-poll from the token just handed out answers at once with what came in between.
    const asked = Date.now();
    const next = await sync(bob, woke.next_batch, 30000);
    assert.ok(Date.now() - asked < 15000, 'answered at once, not at the timeout');
    assert.deepEqual(next.to_device.events.map((e: any) => e.content.n), [2]);
    const other = await sync(bob2);
    assert.deepEqual(other.to_device.events.map((e: any) => e.content.n), [2]);
    // Syncing on from next_batch acknowledges: a retry with the old token no longer sees n=1.
    await sync(bob, next.next_batch);
    const retry = await sync(bob, woke.next_batch);
    assert.deepEqual(retry.to_device.events, []);
    assertError(await send('t3', 'x'), 400, 'M_BAD_JSON');
    assertError(await send('t4', { [bob.userId]: { [bob.deviceId]: 'not an object' } }), 400, 'M_BAD_JSON');
    assertError(await send('t5', { 'not a user': {} }), 400, 'M_INVALID_PARAM');
  });

  it('sends at most 100 to-device messages per /sync, the rest in the next ones, resumable by token', async () => {
    const bob3 = await session('bob');
    const start = (await sync(bob3)).next_batch as string;
    for (let i = 0; i < 230; i++) {
      await ok('PUT', `${v3}/sendToDevice/m.test/many${i}`, { token: alice.token, body: { messages: { [bob3.userId]: { [bob3.deviceId]: { i } } } } });
    }
    const ns = (r: Record<string, any>) => r.to_device.events.map((e: any) => e.content.i);
    const first = await sync(bob3, start);
    assert.deepEqual(ns(first), Array.from({ length: 100 }, (_, i) => i));
    assert.match(first.next_batch, /^s\d+_d\d+$/);
    // A lost response: the same since gives the same batch again.
    assert.deepEqual(ns(await sync(bob3, start)), ns(first));
    // Held back messages come at once, even to a long-poll.
    const asked = Date.now();
    const second = await sync(bob3, first.next_batch, 30000);
    assert.ok(Date.now() - asked < 15000, 'answered at once, not at the timeout');
    assert.deepEqual(ns(second), Array.from({ length: 100 }, (_, i) => 100 + i));
    const third = await sync(bob3, second.next_batch);
    assert.deepEqual(ns(third), Array.from({ length: 30 }, (_, i) => 200 + i));
    assert.match(third.next_batch, /^s\d+$/, 'nothing held back');
    assert.deepEqual(ns(await sync(bob3, third.next_batch)), []);
    // The token with a to-device part still names a position elsewhere (matrix-js-sdk's /members at=).
    await ok('GET', `${v3}/rooms/${enc(roomId)}/members?at=${enc(first.next_batch)}`, { token: bob3.token });
    assertError(await call('GET', `${v3}/sync?since=s5_d9`, { token: bob3.token }), 400, 'M_INVALID_PARAM');
  });

  it('lists, renames and deletes devices, deletion behind user-interactive auth', async () => {
    const extra = await session('alice');
    const list = await ok('GET', `${v3}/devices`, { token: alice.token });
    assert.ok(list.devices.some((d: any) => d.device_id === extra.deviceId));
    await ok('PUT', `${v3}/devices/${extra.deviceId}`, { token: alice.token, body: { display_name: 'Spare phone' } });
    assert.equal((await ok('GET', `${v3}/devices/${extra.deviceId}`, { token: alice.token })).display_name, 'Spare phone');
    assertError(await call('GET', `${v3}/devices/NOPE`, { token: alice.token }), 404, 'M_NOT_FOUND');
    assertError(await call('PUT', `${v3}/devices/NOPE`, { token: alice.token, body: { display_name: 'x' } }), 404, 'M_NOT_FOUND');
    assertError(await call('PUT', `${v3}/devices/${extra.deviceId}`, { token: alice.token, body: { display_name: 5 } }), 400, 'M_BAD_JSON');
    // Another user's device is not ours to see.
    assertError(await call('GET', `${v3}/devices/${extra.deviceId}`, { token: bob.token }), 404, 'M_NOT_FOUND');

    const challenge = await call('DELETE', `${v3}/devices/${extra.deviceId}`, { token: alice.token });
    assert.equal(challenge.status, 401);
    assert.deepEqual(challenge.json.flows, [{ stages: ['m.login.password'] }]);
    const auth = (password: string) => ({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password, session: challenge.json.session });
    const wrong = await call('DELETE', `${v3}/devices/${extra.deviceId}`, { token: alice.token, body: { auth: auth('bad') } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.errcode, 'M_FORBIDDEN');
    await ok('DELETE', `${v3}/devices/${extra.deviceId}`, { token: alice.token, body: { auth: auth('secret-pw') } });
    assert.equal((await call('GET', `${v3}/account/whoami`, { token: extra.token })).status, 401);
    assertError(await call('POST', `${v3}/delete_devices`, { token: alice.token, body: { devices: 'all' } }), 400, 'M_BAD_JSON');
  });

  it('checks cross-signing keys, asks for auth only to replace them, and reports signatures for unknown keys', async () => {
    const bad = { user_id: bob.userId, usage: ['master'], keys: { 'ed25519:abc': 'abc' } };
    assertError(await call('POST', `${v3}/keys/device_signing/upload`, { token: alice.token, body: { master_key: bad } }), 400, 'M_INVALID_PARAM');
    const noUsage = { user_id: alice.userId, usage: ['self_signing'], keys: { 'ed25519:abc': 'abc' } };
    assertError(await call('POST', `${v3}/keys/device_signing/upload`, { token: alice.token, body: { master_key: noUsage } }), 400, 'M_INVALID_PARAM');
    // The first upload needs no password (spec v1.11); the same keys again neither; new ones do.
    const good = { user_id: alice.userId, usage: ['master'], keys: { 'ed25519:abc': 'abc' } };
    await ok('POST', `${v3}/keys/device_signing/upload`, { token: alice.token, body: { master_key: good } });
    await ok('POST', `${v3}/keys/device_signing/upload`, { token: alice.token, body: { master_key: good } });
    const replace = { master_key: { ...good, keys: { 'ed25519:def': 'def' } } };
    const challenge = await call('POST', `${v3}/keys/device_signing/upload`, { token: alice.token, body: replace });
    assert.equal(challenge.status, 401);
    assert.deepEqual(challenge.json.flows, [{ stages: ['m.login.password'] }]);
    const q = await ok('POST', `${v3}/keys/query`, { token: bob.token, body: { device_keys: { [alice.userId]: [] } } });
    assert.deepEqual(q.master_keys[alice.userId], good);
    assert.equal(q.user_signing_keys[alice.userId], undefined);
    const sig = await ok('POST', `${v3}/keys/signatures/upload`, {
      token: alice.token, body: { [alice.userId]: { UNKNOWN: { user_id: alice.userId, signatures: { [alice.userId]: { 'ed25519:x': 's' } } } } },
    });
    assert.equal(sig.failures[alice.userId].UNKNOWN.errcode, 'M_NOT_FOUND');
  });

  it('keeps key backups by version with etag and count, refusing writes to an old version', async () => {
    assertError(await call('GET', `${v3}/room_keys/version`, { token: bob.token }), 404, 'M_NOT_FOUND');
    const authData = { public_key: 'pk', signatures: {} };
    const v1 = (await ok('POST', `${v3}/room_keys/version`, { token: bob.token, body: { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: authData } })).version;
    const session = (index: number) => ({ first_message_index: index, forwarded_count: 0, is_verified: false, session_data: { ciphertext: `c${index}` } });
    const put1 = await ok('PUT', `${v3}/room_keys/keys?version=${v1}`, { token: bob.token, body: { rooms: { [roomId]: { sessions: { S1: session(3) } } } } });
    assert.equal(put1.count, 1);
    // A worse copy (later first index) does not replace the better one, and the etag stays.
    const put2 = await ok('PUT', `${v3}/room_keys/keys/${enc(roomId)}/S1?version=${v1}`, { token: bob.token, body: session(5) });
    assert.equal(put2.etag, put1.etag);
    const put3 = await ok('PUT', `${v3}/room_keys/keys/${enc(roomId)}?version=${v1}`, { token: bob.token, body: { sessions: { S1: session(0), S2: session(1) } } });
    assert.notEqual(put3.etag, put1.etag);
    assert.equal(put3.count, 2);
    assert.deepEqual((await ok('GET', `${v3}/room_keys/keys/${enc(roomId)}/S1?version=${v1}`, { token: bob.token })).session_data, { ciphertext: 'c0' });
    assert.deepEqual(Object.keys((await ok('GET', `${v3}/room_keys/keys?version=${v1}`, { token: bob.token })).rooms[roomId].sessions).sort(), ['S1', 'S2']);
    const info = await ok('GET', `${v3}/room_keys/version`, { token: bob.token });
    assert.deepEqual({ version: info.version, count: info.count, etag: info.etag }, { version: v1, count: 2, etag: put3.etag });

    const v2 = (await ok('POST', `${v3}/room_keys/version`, { token: bob.token, body: { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: authData } })).version;
    assert.notEqual(v2, v1);
    const old = await call('PUT', `${v3}/room_keys/keys?version=${v1}`, { token: bob.token, body: { rooms: {} } });
    assertError(old, 403, 'M_WRONG_ROOM_KEYS_VERSION');
    assert.equal(old.json.current_version, v2);
    assertError(await call('PUT', `${v3}/room_keys/keys?version=${v2}`, { token: bob.token, body: { rooms: { [roomId]: { sessions: { S: { first_message_index: 'x' } } } } } }), 400, 'M_BAD_JSON');
    await ok('DELETE', `${v3}/room_keys/keys/${enc(roomId)}?version=${v1}`, { token: bob.token });
    assert.equal((await ok('GET', `${v3}/room_keys/version/${v1}`, { token: bob.token })).count, 0);
    await ok('DELETE', `${v3}/room_keys/version/${v1}`, { token: bob.token });
    assertError(await call('GET', `${v3}/room_keys/version/${v1}`, { token: bob.token }), 404, 'M_NOT_FOUND');
    assertError(await call('GET', `${v3}/room_keys/version/${v1}`, { token: alice.token }), 404, 'M_NOT_FOUND');
    assertError(await call('POST', `${v3}/room_keys/version`, { token: bob.token, body: { algorithm: 'x' } }), 400, 'M_BAD_JSON');
  });

  it('keeps pending to-device messages, keys and stream positions across a restart', async () => {
    const since = (await sync(bob)).next_batch as string;
    await ok('PUT', `${v3}/sendToDevice/m.test/restart1`, { token: alice.token, body: { messages: { [bob.userId]: { [bob.deviceId]: { n: 'kept' } } } } });
    server = await server.restart();
    const r = await sync(bob, since);
    assert.deepEqual(r.to_device.events.map((e: any) => e.content.n), ['kept']);
    // New positions continue above the old ones: a message sent now is after r.next_batch.
    await ok('PUT', `${v3}/sendToDevice/m.test/restart2`, { token: alice.token, body: { messages: { [bob.userId]: { [bob.deviceId]: { n: 'after' } } } } });
    const r2 = await sync(bob, r.next_batch);
    assert.deepEqual(r2.to_device.events.map((e: any) => e.content.n), ['after']);
    const q = await ok('POST', `${v3}/keys/query`, { token: bob.token, body: { device_keys: { [alice.userId]: [] } } });
    assert.ok(q.device_keys[alice.userId][alice.deviceId]);
  });
});
