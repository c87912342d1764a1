// An independent implementation's MAM and blocking plugins (slixmpp xep_0313 with XEP-0059
// paging, xep_0191) against Hearth: paging forwards and backwards over the archive read from the
// DM room, and a block that stops messages until it is lifted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON, runPython, slixmppScript } from './clients/slixmpp.js';
import { startTestServer, type TestServer } from './harness.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
  await server.addUser('alice', 'alice-pw');
  await server.addUser('bob', 'bob-pw');
});
after(async () => {
  await server.destroy();
});

test('slixmpp: MAM paging both ways, then block and unblock', async () => {
  const probe = await runPython(['-c', 'import slixmpp']);
  assert.equal(probe.code, 0, `python3-slixmpp is required (${PYTHON}): ${probe.stderr.trim()}`);
  const { code, stdout, stderr } = await runPython([slixmppScript('mam_blocking.py'), '127.0.0.1', String(server.xmppPorts.starttls),
    'alice@localhost/slix', 'alice-pw', 'bob@localhost/slix', 'bob-pw'], 28_000);
  assert.equal(code, 0, `slixmpp script failed: ${stderr}`);
  const lines = stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!);
  assert.equal(result.error, undefined, `slixmpp reported: ${result.error}\n${stderr}`);
  assert.equal(result.ok, true);
  assert.equal(result.mam_feature, true);
  const all = [1, 2, 3, 4, 5].map((i) => `archived ${i}`);
  assert.deepEqual(result.forward, all);
  assert.deepEqual(result.backward, [...all].reverse());
  assert.deepEqual(result.blocked, ['alice@localhost']);
  assert.equal(result.leaked, null);
  assert.deepEqual(result.after_unblock, []);
});
