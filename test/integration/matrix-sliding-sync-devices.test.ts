// A sliding sync connection belongs to its device (MSC4186): when the device ends (logout,
// logout/all, device deletion, password change, deactivation) its saved connections go with it,
// not at the end of their 7-day TTL, and a save that was pending then does not bring them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, enc, matrixFetch, v3 } from './matrix-fetch.js';

const SSS = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';

test('without a restart too: a device deleted and logged in again under its id cannot resume its old pos', async () => {
  const server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
  const { call, ok } = matrixFetch(() => server.matrixUrl);
  const login = async (device: string): Promise<string> => (await ok('POST', `${v3}/login`, {
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret-pw', device_id: device } })).access_token;
  const sync = (token: string, pos?: string) => call('POST', `${SSS}${pos ? `?pos=${enc(pos)}` : ''}`, { token, body: { conn_id: 'main', lists: {} } });
  try {
    await server.addUser('alice');
    for (const end of ['logout', 'delete'] as const) {
      const token = await login('PHONE');
      const first = await sync(token);
      assert.equal(first.status, 200);
      if (end === 'logout') await ok('POST', `${v3}/logout`, { token, body: {} });
      else {
        const other = await login('LAPTOP');
        const challenge = await call('POST', `${v3}/delete_devices`, { token: other, body: { devices: ['PHONE'] } });
        await ok('POST', `${v3}/delete_devices`, { token: other, body: { devices: ['PHONE'], auth: {
          type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret-pw', session: challenge.json.session } } });
      }
      assertError(await sync(await login('PHONE'), first.json.pos), 400, 'M_UNKNOWN_POS');
    }
  } finally {
    await server.destroy();
  }
});

test('logout, logout/all and device deletion end the device\'s saved sliding sync connections; other devices resume', async () => {
  let server: TestServer = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
  const { call, ok } = matrixFetch(() => server.matrixUrl);
  const login = async (user: string, device: string): Promise<string> => (await ok('POST', `${v3}/login`, {
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password: 'secret-pw', device_id: device } })).access_token;
  const sync = (token: string, pos?: string) => call('POST', `${SSS}${pos ? `?pos=${enc(pos)}` : ''}`, { token, body: { conn_id: 'main', lists: {} } });
  const posOf = async (token: string): Promise<string> => { const r = await sync(token); assert.equal(r.status, 200); return r.json.pos; };
  try {
    await server.addUser('alice');
    await server.addUser('bob');
    const t = { gone: await login('alice', 'GONE'), deleted: await login('alice', 'DELETED'), kept: await login('alice', 'KEPT'), bob: await login('bob', 'BOBPHONE') };
    const pos = { gone: await posOf(t.gone), deleted: await posOf(t.deleted), kept: await posOf(t.kept), bob: await posOf(t.bob) };
    await ok('POST', `${v3}/logout`, { token: t.gone, body: {} });
    const challenge = await call('DELETE', `${v3}/devices/DELETED`, { token: t.kept });
    await ok('DELETE', `${v3}/devices/DELETED`, { token: t.kept, body: { auth: {
      type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret-pw', session: challenge.json.session } } });
    await ok('POST', `${v3}/logout/all`, { token: t.bob, body: {} });
    // The restart saves what is in memory and reads back only what storage holds.
    server = await server.restart();
    const again = { gone: await login('alice', 'GONE'), deleted: await login('alice', 'DELETED'), bob: await login('bob', 'BOBPHONE') };
    assertError(await sync(again.gone, pos.gone), 400, 'M_UNKNOWN_POS');
    assertError(await sync(again.deleted, pos.deleted), 400, 'M_UNKNOWN_POS');
    assertError(await sync(again.bob, pos.bob), 400, 'M_UNKNOWN_POS');
    assert.equal((await sync(t.kept, pos.kept)).status, 200, 'the device that stayed resumes its connection');
    // Deactivation (the admin API, the CLI) leaves no row behind either.
    await ok('POST', `${v3}/account/deactivate`, { token: t.kept, body: { auth: {
      type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret-pw' } } });
    await server.close();
    const db = new Database(join(server.dataDir, 'hearth.db'), { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT user_id, device_id FROM sliding_connections').all(), []);
    } finally {
      db.close();
    }
  } finally {
    await server.destroy().catch(() => {});
  }
});
