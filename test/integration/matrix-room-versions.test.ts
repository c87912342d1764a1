// Every room version the server offers (capabilities' m.room_versions) can be created and used: a
// room of each, a message, a topic, an invitee who joins and reads it back; the create event names
// its creator where the version needs it (v1-10). Versions it does not offer are refused clearly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3, enc } from './matrix-fetch.js';

let server: TestServer;
const http = matrixFetch(() => server.matrixUrl);
let alice = '';
let bob = '';

before(async () => {
  server = await startTestServer();
  await server.addUser('alice');
  await server.addUser('bob');
  alice = (await http.login('alice')).json.access_token;
  bob = (await http.login('bob')).json.access_token;
});
after(() => server.destroy());

test('each offered room version: create, talk, invite, join, read back', async () => {
  const caps = (await http.ok('GET', `${v3}/capabilities`, { token: alice })).capabilities['m.room_versions'];
  const versions = Object.keys(caps.available);
  assert.ok(versions.includes(caps.default));
  for (const v of ['3', '4', '5', '6', '7', '8', '9', '10', '11', '12']) assert.ok(versions.includes(v), `offers ${v}`);
  for (const version of versions) {
    const { room_id: room } = await http.ok('POST', `${v3}/createRoom`, { token: alice, body: { room_version: version, topic: `v${version}` } });
    const create = await http.ok('GET', `${v3}/rooms/${enc(room)}/state/m.room.create/`, { token: alice });
    assert.equal(create.room_version, version);
    assert.equal(create.creator, Number(version) <= 10 ? '@alice:localhost' : undefined, `v${version} creator`);
    await http.ok('PUT', `${v3}/rooms/${enc(room)}/send/m.room.message/t${version}`, { token: alice, body: { msgtype: 'm.text', body: `hello v${version}` } });
    await http.ok('POST', `${v3}/rooms/${enc(room)}/invite`, { token: alice, body: { user_id: '@bob:localhost' } });
    await http.ok('POST', `${v3}/join/${enc(room)}`, { token: bob, body: {} });
    const history = await http.ok('GET', `${v3}/rooms/${enc(room)}/messages?dir=b&limit=50`, { token: bob });
    assert.ok(history.chunk.some((e: { content: { body?: string } }) => e.content.body === `hello v${version}`), `v${version} history`);
    const topic = await http.ok('GET', `${v3}/rooms/${enc(room)}/state/m.room.topic/`, { token: bob });
    assert.equal(topic.topic, `v${version}`);
  }
});

test('versions not offered (v1, v2: ids this server does not mint; unknown ones) are M_UNSUPPORTED_ROOM_VERSION', async () => {
  for (const version of ['1', '2', '99', 'org.example.custom']) {
    assertError(await http.call('POST', `${v3}/createRoom`, { token: alice, body: { room_version: version } }), 400, 'M_UNSUPPORTED_ROOM_VERSION');
  }
});
