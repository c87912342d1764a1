// An independent client library, Debian's slixmpp, with its XEP-0198 and XEP-0280 plugins:
// carbons between two resources of one account, then stream resumption after the connection is
// cut, with the message sent meanwhile delivered on the resumed stream.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { runPython, slixmppScript } from './clients/slixmpp.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'bob']) await server.addUser(u, `${u}-pw`);
});

after(async () => {
  await server.destroy();
});

test('slixmpp: carbons both ways, and a dropped stream resumed with what it missed', async () => {
  const run = await runPython([slixmppScript('sm_resume_carbons.py'), '127.0.0.1', String(server.xmppPorts.starttls),
    'alice@localhost', 'alice-pw', 'bob@localhost/slix', 'bob-pw'], 28_000);
  const out = JSON.parse(run.stdout.trim().split('\n').pop() || '{}');
  assert.equal(out.error, undefined, `slixmpp reported: ${out.error}\n${run.stderr.slice(-2000)}`);
  assert.equal(out.ok, true);
  assert.equal(out.sm_id, true, 'resumption was offered');
  assert.deepEqual(out.received_carbon, {
    kind: 'received', from: 'alice@localhost', inner_from: 'bob@localhost/slix', inner_to: 'alice@localhost/desktop', body: 'to the desktop',
  });
  assert.equal(out.sent_carbon.kind, 'sent');
  assert.equal(out.sent_carbon.inner_from, 'alice@localhost/desktop');
  assert.equal(out.sent_carbon.body, 'from the desktop');
  assert.equal(out.resumed, true);
  assert.equal(out.after_resume.body, 'while you were away');
  assert.equal(out.bob_after_resume, 'back again');
});
