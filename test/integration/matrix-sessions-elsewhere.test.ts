// Sessions ended outside the request that uses them: by another process writing the database
// (the `hearth user delete` CLI, or any second connection) the next request is refused at once,
// although the server keeps recently used tokens in memory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { main as cli } from '../../src/admin/cli.js';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, v3 } from './matrix-fetch.js';

let server: TestServer;
const { call, login, ok } = matrixFetch(() => server.matrixUrl);
before(async () => {
  server = await startTestServer({ extra: { matrix: { client_listen: '127.0.0.1:0', rate_limits: { enabled: false } } } });
  await server.addUser('alice');
  await server.addUser('bob');
});
after(() => server.destroy());

test('a token deleted by a second database connection is refused at the next request', async () => {
  const first = (await login('alice')).json;
  const second = (await login('alice')).json;
  await ok('GET', `${v3}/account/whoami`, { token: first.access_token });
  await ok('GET', `${v3}/account/whoami`, { token: second.access_token });
  const db = new Database(join(server.dataDir, 'hearth.db'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('DELETE FROM access_tokens WHERE device_id = ?').run(first.device_id);
  } finally {
    db.close();
  }
  const r = await call('GET', `${v3}/account/whoami`, { token: first.access_token });
  assertError(r, 401, 'M_UNKNOWN_TOKEN');
  assert.notEqual(r.json.soft_logout, true);
  assert.equal((await ok('GET', `${v3}/account/whoami`, { token: second.access_token })).user_id, '@alice:localhost');
});

test('hearth user delete from another process: the account\'s token is refused at once', async () => {
  const bob = (await login('bob')).json;
  await ok('GET', `${v3}/account/whoami`, { token: bob.access_token });
  const config = join(server.dataDir, 'cli.yaml');
  writeFileSync(config, `server_name: localhost\ndata_dir: ${JSON.stringify(server.dataDir)}\n`);
  assert.equal(await cli(['user', 'delete', 'bob', '--config', config]), 0);
  assertError(await call('GET', `${v3}/account/whoami`, { token: bob.access_token }), 401, 'M_UNKNOWN_TOKEN');
});
