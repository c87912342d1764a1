// Room reads and writes over raw HTTP: history visibility, redaction, state, aliases, account
// data, filters, invites and sync sections, as the spec's response shapes give them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, enc, matrixFetch, v3 } from './matrix-fetch.js';

let server: TestServer;
const { call, login, ok } = matrixFetch(() => server.matrixUrl);
const tok: Record<string, string> = {};

async function room(by: string, body: Record<string, unknown>): Promise<string> {
  return (await ok('POST', `${v3}/createRoom`, { token: tok[by], body })).room_id;
}

async function say(by: string, roomId: string, body: string): Promise<string> {
  return (await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/${Math.random()}`, { token: tok[by], body: { msgtype: 'm.text', body } })).event_id;
}

const bodiesOf = (chunk: any[]) => chunk.filter((e) => e.type === 'm.room.message').map((e) => e.content.body);

describe('Matrix rooms', () => {
  before(async () => {
    server = await startTestServer();
    for (const u of ['alice', 'bob', 'carol']) {
      await server.addUser(u);
      tok[u] = (await login(u)).json.access_token;
    }
  });
  after(async () => { await server.destroy(); });

  it('lets a former member read up to their leave, and strangers nothing', async () => {
    const r = await room('alice', { preset: 'public_chat' });
    await ok('POST', `${v3}/join/${enc(r)}`, { token: tok.bob });
    await say('alice', r, 'before kick');
    await ok('POST', `${v3}/rooms/${enc(r)}/kick`, { token: tok.alice, body: { user_id: '@bob:localhost', reason: 'bye' } });
    const after = await say('alice', r, 'after kick');
    const msgs = await ok('GET', `${v3}/rooms/${enc(r)}/messages?dir=b&limit=50`, { token: tok.bob });
    assert.deepEqual(bodiesOf(msgs.chunk), ['before kick']);
    assert.equal(msgs.chunk[0].content.membership, 'leave', 'the kick is the newest event bob sees');
    assertError(await call('GET', `${v3}/rooms/${enc(r)}/event/${enc(after)}`, { token: tok.bob }), 404, 'M_NOT_FOUND');
    const members = await ok('GET', `${v3}/rooms/${enc(r)}/members`, { token: tok.bob });
    assert.ok(members.chunk.some((e: any) => e.state_key === '@bob:localhost' && e.content.membership === 'leave'));
    assertError(await call('GET', `${v3}/rooms/${enc(r)}/messages?dir=b`, { token: tok.carol }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v3}/rooms/${enc(r)}/state`, { token: tok.carol }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v3}/rooms/${enc(r)}/joined_members`, { token: tok.bob }), 403, 'M_FORBIDDEN');
  });

  it('redacts: own events, others only with the redact level', async () => {
    const r = await room('alice', { preset: 'public_chat' });
    await ok('POST', `${v3}/join/${enc(r)}`, { token: tok.bob });
    const bobs = await say('bob', r, 'oops');
    const alices = await say('alice', r, 'mine');
    assertError(await call('PUT', `${v3}/rooms/${enc(r)}/redact/${enc(alices)}/t1`, { token: tok.bob, body: {} }), 403, 'M_FORBIDDEN');
    const red = await ok('PUT', `${v3}/rooms/${enc(r)}/redact/${enc(bobs)}/t2`, { token: tok.alice, body: { reason: 'spam' } });
    const ev = await ok('GET', `${v3}/rooms/${enc(r)}/event/${enc(bobs)}`, { token: tok.bob });
    assert.deepEqual(ev.content, {});
    assert.equal(ev.unsigned.redacted_because.event_id, red.event_id);
    const redaction = await ok('GET', `${v3}/rooms/${enc(r)}/event/${enc(red.event_id)}`, { token: tok.bob });
    assert.equal(redaction.redacts, bobs);
    assert.equal(redaction.content.reason, 'spam');
    await ok('PUT', `${v3}/rooms/${enc(r)}/redact/${enc(alices)}/t3`, { token: tok.alice, body: {} });
    const msgs = await ok('GET', `${v3}/rooms/${enc(r)}/messages?dir=b&limit=10`, { token: tok.alice });
    assert.equal(msgs.chunk.find((e: any) => e.event_id === alices).content.body, undefined);
  });

  it('serves room state, members and joined members', async () => {
    const r = await room('alice', { name: 'Stately', topic: 'T', invite: ['@bob:localhost'] });
    const state = await ok('GET', `${v3}/rooms/${enc(r)}/state`, { token: tok.alice });
    assert.ok(Array.isArray(state));
    const types = (state as unknown as any[]).map((e) => e.type);
    for (const t of ['m.room.create', 'm.room.power_levels', 'm.room.join_rules', 'm.room.name', 'm.room.topic']) assert.ok(types.includes(t), t);
    assert.deepEqual(await ok('GET', `${v3}/rooms/${enc(r)}/state/m.room.name`, { token: tok.alice }), { name: 'Stately' });
    const full = await ok('GET', `${v3}/rooms/${enc(r)}/state/m.room.name/?format=event`, { token: tok.alice });
    assert.equal(full.room_id, r);
    assertError(await call('GET', `${v3}/rooms/${enc(r)}/state/m.room.avatar`, { token: tok.alice }), 404, 'M_NOT_FOUND');
    const invited = await ok('GET', `${v3}/rooms/${enc(r)}/members?membership=invite`, { token: tok.alice });
    assert.deepEqual(invited.chunk.map((e: any) => e.state_key), ['@bob:localhost']);
    const joined = await ok('GET', `${v3}/rooms/${enc(r)}/joined_members`, { token: tok.alice });
    assert.deepEqual(Object.keys(joined.joined), ['@alice:localhost']);
    assertError(await call('PUT', `${v3}/rooms/${enc(r)}/state/m.room.canonical_alias`, { token: tok.alice, body: { alias: '#nope:localhost' } }), 400, 'M_BAD_ALIAS');
  });

  it('manages aliases in the directory', async () => {
    const r = await room('alice', { preset: 'public_chat' });
    await ok('POST', `${v3}/join/${enc(r)}`, { token: tok.bob });
    await ok('PUT', `${v3}/directory/room/${enc('#dir:localhost')}`, { token: tok.alice, body: { room_id: r } });
    assertError(await call('PUT', `${v3}/directory/room/${enc('#dir:localhost')}`, { token: tok.alice, body: { room_id: r } }), 409, 'M_UNKNOWN');
    assertError(await call('PUT', `${v3}/directory/room/${enc('#x:elsewhere')}`, { token: tok.alice, body: { room_id: r } }), 400, 'M_INVALID_PARAM');
    assert.deepEqual(await ok('GET', `${v3}/directory/room/${enc('#dir:localhost')}`, { token: tok.carol }), { room_id: r, servers: ['localhost'] });
    assert.deepEqual((await ok('GET', `${v3}/rooms/${enc(r)}/aliases`, { token: tok.bob })).aliases, ['#dir:localhost']);
    assertError(await call('DELETE', `${v3}/directory/room/${enc('#dir:localhost')}`, { token: tok.bob }), 403, 'M_FORBIDDEN');
    await ok('DELETE', `${v3}/directory/room/${enc('#dir:localhost')}`, { token: tok.alice });
    assertError(await call('GET', `${v3}/directory/room/${enc('#dir:localhost')}`, { token: tok.alice }), 404, 'M_NOT_FOUND');
  });

  it('stores account data and delivers it through sync', async () => {
    const since = (await ok('GET', `${v3}/sync`, { token: tok.carol })).next_batch;
    const r = await room('carol', {});
    await ok('PUT', `${v3}/user/${enc('@carol:localhost')}/account_data/org.example.cfg`, { token: tok.carol, body: { a: 1 } });
    await ok('PUT', `${v3}/user/${enc('@carol:localhost')}/rooms/${enc(r)}/account_data/m.tag`, { token: tok.carol, body: { tags: {} } });
    assert.deepEqual(await ok('GET', `${v3}/user/${enc('@carol:localhost')}/account_data/org.example.cfg`, { token: tok.carol }), { a: 1 });
    assertError(await call('GET', `${v3}/user/${enc('@carol:localhost')}/account_data/org.example.none`, { token: tok.carol }), 404, 'M_NOT_FOUND');
    assertError(await call('GET', `${v3}/user/${enc('@carol:localhost')}/account_data/org.example.cfg`, { token: tok.bob }), 403, 'M_FORBIDDEN');
    assertError(await call('PUT', `${v3}/user/${enc('@carol:localhost')}/account_data/m.fully_read`, { token: tok.carol, body: {} }), 405, 'M_BAD_JSON');
    const s = await ok('GET', `${v3}/sync?since=${since}`, { token: tok.carol });
    assert.deepEqual(s.account_data.events, [{ type: 'org.example.cfg', content: { a: 1 } }]);
    assert.deepEqual(s.rooms.join[r].account_data.events, [{ type: 'm.tag', content: { tags: {} } }]);
  });

  it('records a DM in m.direct for both users', async () => {
    const r = await room('alice', { is_direct: true, invite: ['@carol:localhost'], preset: 'trusted_private_chat' });
    const direct = await ok('GET', `${v3}/user/${enc('@alice:localhost')}/account_data/m.direct`, { token: tok.alice });
    assert.ok(direct['@carol:localhost'].includes(r));
    const theirs = await ok('GET', `${v3}/user/${enc('@carol:localhost')}/account_data/m.direct`, { token: tok.carol });
    assert.ok(theirs['@alice:localhost'].includes(r));
  });

  it('honours a stored filter: timeline limit, limited and prev_batch', async () => {
    const r = await room('bob', {});
    for (let i = 0; i < 5; i++) await say('bob', r, `m${i}`);
    const { filter_id } = await ok('POST', `${v3}/user/${enc('@bob:localhost')}/filter`, { token: tok.bob, body: { room: { timeline: { limit: 2 } } } });
    assert.deepEqual(await ok('GET', `${v3}/user/${enc('@bob:localhost')}/filter/${filter_id}`, { token: tok.bob }), { room: { timeline: { limit: 2 } } });
    const s = await ok('GET', `${v3}/sync?filter=${filter_id}`, { token: tok.bob });
    const tl = s.rooms.join[r].timeline;
    assert.deepEqual(bodiesOf(tl.events), ['m3', 'm4']);
    assert.equal(tl.limited, true);
    assert.ok(s.rooms.join[r].state.events.some((e: any) => e.type === 'm.room.create'));
    assert.equal(s.rooms.join[r].summary['m.joined_member_count'], 1);
    const older = await ok('GET', `${v3}/rooms/${enc(r)}/messages?dir=b&limit=3&from=${tl.prev_batch}`, { token: tok.bob });
    assert.deepEqual(bodiesOf(older.chunk), ['m2', 'm1', 'm0']);
    const fwd = await ok('GET', `${v3}/rooms/${enc(r)}/messages?dir=f&limit=2&from=${older.end}`, { token: tok.bob });
    assert.equal(fwd.chunk.length, 2);
    const inline = await ok('GET', `${v3}/sync?filter=${enc('{"room":{"timeline":{"limit":1}}}')}`, { token: tok.bob });
    assert.equal(inline.rooms.join[r].timeline.events.length, 1);
    const full = await ok('GET', `${v3}/sync?since=${s.next_batch}&full_state=true`, { token: tok.bob });
    assert.ok(full.rooms.join[r].state.events.some((e: any) => e.type === 'm.room.create'));
  });

  it('shows an invite with stripped state, and a rejected invite as a left room', async () => {
    const since = (await ok('GET', `${v3}/sync`, { token: tok.carol })).next_batch;
    const r = await room('bob', { name: 'Invite only', invite: ['@carol:localhost'] });
    const s1 = await ok('GET', `${v3}/sync?since=${since}&timeout=5000`, { token: tok.carol });
    const inv = s1.rooms.invite[r].invite_state.events;
    assert.ok(inv.some((e: any) => e.type === 'm.room.create'));
    assert.ok(inv.some((e: any) => e.type === 'm.room.name' && e.content.name === 'Invite only'));
    const own = inv.find((e: any) => e.type === 'm.room.member' && e.state_key === '@carol:localhost');
    assert.equal(own.content.membership, 'invite');
    assert.deepEqual(Object.keys(own).sort(), ['content', 'sender', 'state_key', 'type']);
    await ok('POST', `${v3}/rooms/${enc(r)}/leave`, { token: tok.carol });
    const s2 = await ok('GET', `${v3}/sync?since=${s1.next_batch}&timeout=5000`, { token: tok.carol });
    const left = s2.rooms.leave[r].timeline.events;
    assert.deepEqual(left.map((e: any) => [e.type, e.content.membership]), [['m.room.member', 'leave']]);
    assertError(await call('GET', `${v3}/rooms/${enc(r)}/messages?dir=b`, { token: tok.carol }), 403, 'M_FORBIDDEN');
  });

  it('serves profiles and puts changes into member events', async () => {
    const r = await room('carol', {});
    await ok('PUT', `${v3}/profile/${enc('@carol:localhost')}/displayname`, { token: tok.carol, body: { displayname: 'Carol C' } });
    assert.deepEqual(await ok('GET', `${v3}/profile/${enc('@carol:localhost')}`, { token: tok.alice }), { displayname: 'Carol C' });
    assertError(await call('GET', `${v3}/profile/${enc('@carol:localhost')}/avatar_url`, { token: tok.alice }), 404, 'M_NOT_FOUND');
    assertError(await call('PUT', `${v3}/profile/${enc('@carol:localhost')}/displayname`, { token: tok.bob, body: { displayname: 'x' } }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v3}/profile/${enc('@nobody:localhost')}`, { token: tok.alice }), 404, 'M_NOT_FOUND');
    assert.equal((await ok('GET', `${v3}/rooms/${enc(r)}/state/m.room.member/${enc('@carol:localhost')}`, { token: tok.carol })).displayname, 'Carol C');
    // prev_content tells clients this was a profile change, not a join.
    const msgs = await ok('GET', `${v3}/rooms/${enc(r)}/messages?dir=b&limit=1`, { token: tok.carol });
    assert.equal(msgs.chunk[0].content.displayname, 'Carol C');
    assert.equal(msgs.chunk[0].unsigned.prev_content.membership, 'join');
    assert.deepEqual(await ok('GET', `${v3}/joined_rooms`, { token: tok.carol }).then((j) => j.joined_rooms.includes(r)), true);
  });

  it('logs out one device or all of them', async () => {
    const t1 = (await login('alice')).json.access_token;
    const t2 = (await login('alice')).json.access_token;
    await ok('POST', `${v3}/logout`, { token: t1 });
    assertError(await call('GET', `${v3}/account/whoami`, { token: t1 }), 401, 'M_UNKNOWN_TOKEN');
    assert.equal((await ok('GET', `${v3}/account/whoami`, { token: t2 })).user_id, '@alice:localhost');
    await ok('POST', `${v3}/logout/all`, { token: t2 });
    assertError(await call('GET', `${v3}/account/whoami`, { token: tok.alice }), 401, 'M_UNKNOWN_TOKEN');
  });
});
