// An independent XMPP client (slixmpp, Python) logs in over STARTTLS with SCRAM, asks disco#info
// and pings. CI installs Debian's python3-slixmpp: a missing package is a failure, not a skip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startHarness, type Harness } from './xmpp-support/harness.js';

const PYTHON = '/usr/bin/python3';
// dist/test/integration/ → test/integration/slixmpp/ in the source tree
const SCRIPT = fileURLToPath(new URL('../../../test/integration/slixmpp/login_disco_ping.py', import.meta.url));

function run(args: string[], timeout = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { timeout }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

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
  assert.ok(['SCRAM-SHA-256', 'SCRAM-SHA-1'].includes(result.mechanism), `mechanism ${result.mechanism}`);
  assert.equal(result.jid, 'alice@localhost/slix');
  assert.deepEqual(result.identities, [['server', 'im']]);
  for (const f of ['http://jabber.org/protocol/disco#info', 'http://jabber.org/protocol/disco#items', 'urn:xmpp:ping']) {
    assert.ok(result.features.includes(f), `feature ${f}`);
  }
  assert.deepEqual(result.account_identities, [['account', 'registered']]);
  assert.equal(result.ping, true);
});
