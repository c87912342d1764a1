// An independent XMPP client (slixmpp, Python) logs in over STARTTLS with SCRAM, asks disco#info
// and pings. CI installs Debian's python3-slixmpp: a missing package is a failure, not a skip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON, runPython, slixmppScript } from './clients/slixmpp.js';
import { startHarness, type Harness } from './xmpp-support/harness.js';

const SCRIPT = slixmppScript('login_disco_ping.py');
const run = runPython;

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('slixmpp: STARTTLS + SCRAM login, disco#info and ping', async () => {
  const probe = await run(['-c', 'import slixmpp']);
  assert.equal(probe.code, 0,
    `python3-slixmpp is required for this test (apt-get install python3-slixmpp); '${PYTHON} -c "import slixmpp"' failed: ${probe.stderr.trim()}`);

  const { code, stdout, stderr } = await run([SCRIPT, '127.0.0.1', String(h.starttlsPort), 'alice@localhost/slix', 'wonderland']);
  assert.equal(code, 0, `slixmpp script failed: ${stderr}`);
  const lines = stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!);
  assert.equal(result.error, undefined, `slixmpp reported: ${result.error}\n${stderr}`);
  assert.equal(result.ok, true);
  assert.equal(result.tls, true);
  // -PLUS: slixmpp binds with tls-unique (accepted, see src/xmpp/sasl/channel-binding.ts).
  assert.ok(['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1'].includes(result.mechanism), `mechanism ${result.mechanism}`);
  assert.equal(result.jid, 'alice@localhost/slix');
  assert.deepEqual(result.identities, [['server', 'im']]);
  for (const f of ['http://jabber.org/protocol/disco#info', 'http://jabber.org/protocol/disco#items', 'urn:xmpp:ping']) {
    assert.ok(result.features.includes(f), `feature ${f}`);
  }
  assert.deepEqual(result.account_identities, [['account', 'registered']]);
  assert.equal(result.ping, true);
});
