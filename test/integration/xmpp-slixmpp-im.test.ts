// An independent XMPP implementation (slixmpp, Python) against a whole Hearth: two clients log in
// over STARTTLS with SCRAM, one adds the other to its roster and reads it back, and they
// exchange a message each way. CI installs Debian's python3-slixmpp: a missing package fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON, runPython, slixmppScript } from './clients/slixmpp.js';
import { startTestServer, type TestServer } from './harness.js';

const SCRIPT = slixmppScript('im_roster_chat.py');
const run = runPython;

let server: TestServer;
before(async () => {
  server = await startTestServer();
  await server.addUser('alice', 'alice-pw');
  await server.addUser('bob', 'bob-pw');
});
after(async () => {
  await server.destroy();
});

test('slixmpp: SCRAM over STARTTLS, roster add and get, a message each way', async () => {
  const probe = await run(['-c', 'import slixmpp']);
  assert.equal(probe.code, 0,
    `python3-slixmpp is required for this test (apt-get install python3-slixmpp); '${PYTHON} -c "import slixmpp"' failed: ${probe.stderr.trim()}`);

  const { code, stdout, stderr } = await run([SCRIPT, '127.0.0.1', String(server.xmppPorts.starttls),
    'alice@localhost/slix', 'alice-pw', 'bob@localhost/slix', 'bob-pw']);
  assert.equal(code, 0, `slixmpp script failed: ${stderr}`);
  const lines = stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!);
  assert.equal(result.error, undefined, `slixmpp reported: ${result.error}\n${stderr}`);
  assert.equal(result.ok, true);
  assert.deepEqual(result.tls, [true, true]);
  // slixmpp prefers the strongest SCRAM it knows; both are stored for every account.
  for (const m of result.mechanisms) assert.match(m, /^SCRAM-SHA-256(-PLUS)?$/, 'slixmpp picks SCRAM-SHA-256 over SCRAM-SHA-1');
  assert.deepEqual(result.roster_item, { jid: 'bob@localhost', name: 'Bob', groups: ['Friends'], subscription: 'none' });
  assert.deepEqual(result.bob_received, { from: 'alice@localhost/slix', body: 'hello from slixmpp alice', type: 'chat', stanza_id: true });
  assert.deepEqual(result.alice_received, { from: 'bob@localhost/slix', body: 'hello back from slixmpp bob', type: 'chat', stanza_id: true });

  // Both messages are events of the pair's DM room.
  const roomId = server.core.directs.find('@alice:localhost', '@bob:localhost')!;
  const bodies = server.core.storage.events.roomEventsBefore(roomId, Number.MAX_SAFE_INTEGER, 50)
    .filter((e) => e.pdu.type === 'm.room.message').map((e) => e.pdu.content.body).reverse();
  assert.deepEqual(bodies, ['hello from slixmpp alice', 'hello back from slixmpp bob']);
});
