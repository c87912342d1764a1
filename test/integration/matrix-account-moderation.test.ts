// Account locking and suspension (spec "Account moderation", v1.12/v1.13, admin endpoints v1.18):
// what a locked or suspended user sees in matrix-js-sdk, over raw requests and over XMPP, and
// the admin endpoints' answers to bad input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as cli } from '../../src/admin/cli.js';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, enc, matrixFetch, v3 } from './matrix-fetch.js';
import { loginAndSync, sdk, until, type Session } from './clients/matrix-sdk.js';
import { ImClient, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const v1 = '/_matrix/client/v1';
let server: TestServer;
const { call, login, ok } = matrixFetch(() => server.matrixUrl);
let root: string;
let alice: string;
let roomId: string;

const tokenOf = async (name: string): Promise<string> => (await login(name)).json.access_token;
const condition = (el: XmlNode) => el.getChild('error')?.children.find((c: XmlNode | string) => typeof c !== 'string')?.name;
const restrict = (verb: 'lock' | 'suspend', user: string, on: boolean) =>
  ok('PUT', `${v1}/admin/${verb}/${enc(user)}`, { token: root, body: { [verb === 'lock' ? 'locked' : 'suspended']: on } });
let txn = 0;
const send = (token: string, body: string) => call('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/m${++txn}`, { token, body: { msgtype: 'm.text', body } });

before(async () => {
  server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
  for (const n of ['alice', 'bob', 'carol', 'dave']) await server.addUser(n);
  await server.addUser('root', 'secret-pw', true);
  await server.addUser('admin2', 'secret-pw', true);
  root = await tokenOf('root');
  alice = await tokenOf('alice');
  roomId = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat', name: 'club' } })).room_id;
  for (const n of ['bob', 'carol']) await ok('POST', `${v3}/join/${enc(roomId)}`, { token: await tokenOf(n) });
});
after(() => server.destroy());

test('the admin endpoints: admins only (checked before the lookup), local users, no admins, booleans', async () => {
  const bob = await tokenOf('bob');
  for (const verb of ['lock', 'suspend']) {
    assertError(await call('GET', `${v1}/admin/${verb}/${enc('@carol:localhost')}`, { token: bob }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v1}/admin/${verb}/${enc('@nobody:localhost')}`, { token: bob }), 403, 'M_FORBIDDEN');
    assertError(await call('GET', `${v1}/admin/${verb}/${enc('@carol:elsewhere.example')}`, { token: root }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v1}/admin/${verb}/${enc('@nobody:localhost')}`, { token: root }), 404, 'M_NOT_FOUND');
    assertError(await call('PUT', `${v1}/admin/${verb}/${enc('@carol:localhost')}`, { token: root, body: {} }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${v1}/admin/${verb}/${enc('@carol:localhost')}`, { token: root, body: { locked: 'true', suspended: 'true' } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${v1}/admin/${verb}/${enc('@carol:localhost')}`, { token: root, raw: '{nope' }), 400, 'M_NOT_JSON');
    assertError(await call('PUT', `${v1}/admin/${verb}/${enc('@root:localhost')}`, { token: root, body: { locked: true, suspended: true } }), 403, 'M_FORBIDDEN');
    assertError(await call('PUT', `${v1}/admin/${verb}/${enc('@admin2:localhost')}`, { token: root, body: { locked: true, suspended: true } }), 403, 'M_FORBIDDEN');
  }
  assert.deepEqual(await ok('GET', `${v1}/admin/lock/${enc('@carol:localhost')}`, { token: root }), { locked: false });
  assert.deepEqual(await ok('GET', `${v1}/admin/suspend/${enc('@carol:localhost')}`, { token: root }), { suspended: false });
  const caps = async (token: string) => (await ok('GET', `${v3}/capabilities`, { token })).capabilities['m.account_moderation'];
  assert.deepEqual(await caps(root), { lock: true, suspend: true });
  assert.deepEqual(await caps(bob), { lock: false, suspend: false });
  // Our admin API says the same, and lists the flags.
  assert.deepEqual(await ok('PUT', `/_hearth/admin/v1/users/${enc('@carol:localhost')}/suspend`, { token: root, body: { suspended: true } }), { suspended: true });
  const carol = await ok('GET', `/_hearth/admin/v1/users/${enc('@carol:localhost')}`, { token: root });
  assert.equal(carol.suspended, true);
  assert.equal(carol.locked, false);
  await restrict('suspend', '@carol:localhost', false);
});

test('locked: matrix-js-sdk gets 401 M_USER_LOCKED with soft_logout and keeps its session; logout still works; unlocked, the same token works', async () => {
  const bob: Session = await loginAndSync(server.matrixUrl, 'bob');
  const spare = await tokenOf('bob');
  let loggedOut = false;
  bob.client.on(sdk.HttpApiEvent.SessionLoggedOut, () => { loggedOut = true; });
  try {
    assert.deepEqual(await restrict('lock', '@bob:localhost', true), { locked: true });
    assert.deepEqual(await ok('GET', `${v1}/admin/lock/${enc('@bob:localhost')}`, { token: root }), { locked: true });
    const err = await bob.client.sendTextMessage(roomId, 'locked out?').then(() => null, (e: unknown) => e as sdk.MatrixError);
    assert.ok(err instanceof sdk.MatrixError);
    assert.equal(err.errcode, 'M_USER_LOCKED');
    assert.equal(err.httpStatus, 401);
    assert.equal(err.data.soft_logout, true);
    assert.equal(loggedOut, false, 'the SDK does not treat it as a logout');
    for (const [method, path] of [['GET', `${v3}/account/whoami`], ['GET', `${v3}/sync?timeout=0`], ['GET', `${v3}/capabilities`], ['GET', `${v1}/media/config`]] as const) {
      const r = await call(method, path, { token: bob.accessToken });
      assertError(r, 401, 'M_USER_LOCKED');
      assert.equal(r.json.soft_logout, true);
    }
    const again = await login('bob');
    assertError(again, 401, 'M_USER_LOCKED');
    assert.equal(again.json.soft_logout, true);
    await ok('POST', `${v3}/logout`, { token: spare, body: {} });
    assertError(await call('GET', `${v3}/account/whoami`, { token: spare }), 401, 'M_UNKNOWN_TOKEN');
    await restrict('lock', '@bob:localhost', false);
    assert.equal((await ok('GET', `${v3}/account/whoami`, { token: bob.accessToken })).user_id, '@bob:localhost');
    await bob.client.sendTextMessage(roomId, 'back again');
  } finally {
    bob.client.stopClient();
  }
});

test('locked over XMPP: its streams end, and a login fails with SASL account-disabled after the right password', async () => {
  const dave = await ImClient.login(server.xmppPorts.starttls!, 'dave', 'secret-pw', 'pc');
  const ended = new Promise<string>((resolve) => dave.xmpp.on('error', (err) => { const e = err as Error & { condition?: string }; resolve(e.condition ?? e.message); }));
  await restrict('lock', '@dave:localhost', true);
  assert.equal(await ended, 'not-authorized');
  const refused = await ImClient.login(server.xmppPorts.starttls!, 'dave', 'secret-pw', 'pc').then(() => null, (e: Error & { condition?: string }) => e);
  assert.equal(refused?.condition, 'account-disabled');
  const wrong = await ImClient.login(server.xmppPorts.starttls!, 'dave', 'bad-pw', 'pc').then(() => null, (e: Error & { condition?: string }) => e);
  assert.equal(wrong?.condition, 'not-authorized', 'a wrong password says nothing about the account');
  await restrict('lock', '@dave:localhost', false);
  const back = await ImClient.login(server.xmppPorts.starttls!, 'dave', 'secret-pw', 'pc');
  await back.stop();
});

test('hearth user lock from another process: the running server refuses the next request, and the sweep ends XMPP streams', async () => {
  const carol = await tokenOf('carol');
  await ok('GET', `${v3}/account/whoami`, { token: carol });
  const xmpp = await ImClient.login(server.xmppPorts.starttls!, 'carol', 'secret-pw', 'cli');
  const ended = new Promise<string>((resolve) => xmpp.xmpp.on('error', (err) => { const e = err as Error & { condition?: string }; resolve(e.condition ?? e.message); }));
  const config = join(server.dataDir, 'cli.yaml');
  writeFileSync(config, `server_name: localhost\ndata_dir: ${JSON.stringify(server.dataDir)}\n`);
  assert.equal(await cli(['user', 'lock', 'carol', '--config', config]), 0);
  assertError(await call('GET', `${v3}/account/whoami`, { token: carol }), 401, 'M_USER_LOCKED');
  // The sweep runs every 30 s; run it now rather than wait.
  assert.equal(server.core.accounts.sweepLocks(), 1);
  assert.equal(await ended, 'not-authorized');
  assert.equal(server.core.accounts.sweepLocks(), 0, 'once');
  assert.equal(await cli(['user', 'unlock', 'carol', '--config', config]), 0);
  await ok('GET', `${v3}/account/whoami`, { token: carol });
  assert.equal(await cli(['user', 'suspend', 'carol', '--config', config]), 0);
  assertError(await send(carol, 'suspended by the CLI'), 403, 'M_USER_SUSPENDED');
  assert.equal(await cli(['user', 'unsuspend', 'carol', '--config', config]), 0);
  await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/cli-back`, { token: carol, body: { msgtype: 'm.text', body: 'back' } });
  assert.equal(await cli(['user', 'lock', 'nobody', '--config', config]), 1);
});

test('suspended: reads, leaves and redacts its own events; sending, joining, inviting, profile changes and redacting others get 403 M_USER_SUSPENDED', async () => {
  const bob: Session = await loginAndSync(server.matrixUrl, 'bob');
  const token = bob.accessToken;
  try {
    const mine = (await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/own1`, { token, body: { msgtype: 'm.text', body: 'mine' } })).event_id;
    const hers = (await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/hers1`, { token: alice, body: { msgtype: 'm.text', body: 'hers' } })).event_id;
    const other = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat' } })).room_id;
    // bob may redact others' events in the room: what refuses it below is the suspension.
    const levels = await ok('GET', `${v3}/rooms/${enc(roomId)}/state/m.room.power_levels/`, { token: alice });
    await ok('PUT', `${v3}/rooms/${enc(roomId)}/state/m.room.power_levels/`, { token: alice, body: { ...levels, users: { ...levels.users, '@bob:localhost': 50 } } });
    await restrict('suspend', '@bob:localhost', true);
    const err = await bob.client.sendTextMessage(roomId, 'suspended?').then(() => null, (e: unknown) => e as sdk.MatrixError);
    assert.ok(err instanceof sdk.MatrixError);
    assert.equal(err.errcode, 'M_USER_SUSPENDED');
    assert.equal(err.httpStatus, 403);
    assertError(await call('PUT', `${v3}/rooms/${enc(roomId)}/state/m.room.topic/`, { token, body: { topic: 'x' } }), 403, 'M_USER_SUSPENDED');
    assertError(await call('PUT', `${v3}/profile/${enc('@bob:localhost')}/displayname`, { token, body: { displayname: 'B' } }), 403, 'M_USER_SUSPENDED');
    // /capabilities says so, so that clients hide the profile editor.
    const caps = (await ok('GET', `${v3}/capabilities`, { token })).capabilities;
    assert.deepEqual([caps['m.profile_fields'], caps['m.set_displayname'], caps['m.set_avatar_url']], [{ enabled: false }, { enabled: false }, { enabled: false }]);
    assertError(await call('POST', `${v3}/join/${enc(other)}`, { token, body: {} }), 403, 'M_USER_SUSPENDED');
    assertError(await call('POST', `${v3}/createRoom`, { token, body: {} }), 403, 'M_USER_SUSPENDED');
    assertError(await call('POST', `${v3}/rooms/${enc(roomId)}/invite`, { token, body: { user_id: '@dave:localhost' } }), 403, 'M_USER_SUSPENDED');
    assertError(await call('PUT', `${v3}/rooms/${enc(roomId)}/redact/${enc(hers)}/r1`, { token, body: {} }), 403, 'M_USER_SUSPENDED');
    // Bad input is still answered as such.
    assertError(await call('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/bad`, { token, raw: '[1' }), 400, 'M_NOT_JSON');
    // Reading goes on: the live sync gets alice's message, /messages the history.
    await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/hers2`, { token: alice, body: { msgtype: 'm.text', body: 'still reading?' } });
    await until('bob sees alice', () => bob.seen.includes('still reading?'));
    const history = await ok('GET', `${v3}/rooms/${enc(roomId)}/messages?dir=b&limit=5`, { token });
    assert.ok(history.chunk.some((e: { event_id: string }) => e.event_id === hers));
    await ok('PUT', `${v3}/rooms/${enc(roomId)}/redact/${enc(mine)}/r2`, { token, body: {} });
    // Another session may be opened; it is suspended too.
    const second = await tokenOf('bob');
    assertError(await send(second, 'from the second session'), 403, 'M_USER_SUSPENDED');
    await ok('POST', `${v3}/rooms/${enc(roomId)}/leave`, { token, body: {} });
    await restrict('suspend', '@bob:localhost', false);
    assert.deepEqual((await ok('GET', `${v3}/capabilities`, { token })).capabilities['m.profile_fields'], { enabled: true });
    await ok('POST', `${v3}/join/${enc(roomId)}`, { token, body: {} });
    await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/after`, { token, body: { msgtype: 'm.text', body: 'free again' } });
  } finally {
    bob.client.stopClient();
  }
});

test('suspended over XMPP: messages bounce with forbidden, the vCard cannot change, messages still arrive', async () => {
  const carol = await ImClient.login(server.xmppPorts.starttls!, 'carol', 'secret-pw', 'pc');
  const dave = await ImClient.login(server.xmppPorts.starttls!, 'dave', 'secret-pw', 'pc');
  try {
    // Available (RFC 6121 §4.2): messages to the bare JID are delivered to the session.
    await carol.send(xml('presence'));
    await dave.send(xml('presence'));
    await dave.send(xml('message', { to: 'carol@localhost', type: 'chat', id: 'd1' }, xml('body', {}, 'hello carol')));
    await carol.next((el) => el.name === 'message' && el.getChildText('body') === 'hello carol', 'dave\'s first message');
    // Two group chats (Matrix rooms with an alias): carol is in the first before her suspension.
    for (const alias of ['porch', 'attic']) await ok('POST', `${v3}/createRoom`, { token: alice, body: { preset: 'public_chat', room_alias_name: alias } });
    await carol.join('porch@conference.localhost', 'carol');
    await carol.next((el) => el.name === 'presence' && el.attrs.from === 'porch@conference.localhost/carol' && el.attrs.type !== 'error', 'her own presence in porch');
    await restrict('suspend', '@carol:localhost', true);
    await carol.say('porch@conference.localhost', 'may I?', 'g1');
    const refused = await carol.next((el) => el.name === 'message' && el.attrs.id === 'g1' && el.attrs.type === 'error', 'the groupchat error');
    assert.equal(condition(refused), 'forbidden');
    await carol.join('attic@conference.localhost', 'carol');
    const noJoin = await carol.next((el) => el.name === 'presence' && el.attrs.from === 'attic@conference.localhost/carol', 'the join answer');
    assert.equal(noJoin.attrs.type, 'error');
    assert.equal(condition(noJoin), 'forbidden');
    await carol.send(xml('message', { to: 'dave@localhost', type: 'chat', id: 'c1' }, xml('body', {}, 'can I talk?')));
    const bounce = await carol.next((el) => el.name === 'message' && el.attrs.id === 'c1', 'the bounce');
    assert.equal(bounce.attrs.type, 'error');
    assert.equal(condition(bounce), 'forbidden');
    assert.equal(bounce.getChild('error')?.attrs.type, 'auth');
    await dave.nothing((el) => el.name === 'message' && el.getChildText('body') === 'can I talk?', 'a suspended account\'s message');
    const vcard = await carol.iqRaw('set', xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, 'Carol!')));
    assert.equal(vcard.attrs.type, 'error');
    assert.equal(condition(vcard), 'forbidden');
    await dave.send(xml('message', { to: 'carol@localhost', type: 'chat', id: 'd2' }, xml('body', {}, 'you can still read')));
    await carol.next((el) => el.name === 'message' && el.getChildText('body') === 'you can still read', 'dave\'s second message');
    await restrict('suspend', '@carol:localhost', false);
    await carol.send(xml('message', { to: 'dave@localhost', type: 'chat', id: 'c2' }, xml('body', {}, 'free again')));
    await dave.next((el) => el.name === 'message' && el.getChildText('body') === 'free again', 'carol\'s message after');
  } finally {
    await carol.stop();
    await dave.stop();
  }
});
