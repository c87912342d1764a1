// slixmpp (Debian's python3-slixmpp, an independent XMPP client) with its XEP-0085, XEP-0333 and
// XEP-0424 plugins, talking to alice on matrix-js-sdk: bob's chat state shows as typing, alice's
// typing reaches him as <composing/>, his <displayed/> is his read receipt, alice's receipt
// reaches him as <displayed/>, and his retraction (the plugin's :0 form) redacts his message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runPython, slixmppScript } from './clients/slixmpp.js';
import { startTestServer, type TestServer } from './harness.js';
import { loginAndSync, sdk, until, type Session } from './clients/matrix-sdk.js';

let server: TestServer;
let alice: Session;

before(async () => {
  server = await startTestServer();
  await server.addUser('alice');
  await server.addUser('bob');
  alice = await loginAndSync(server.matrixUrl, 'alice');
});

after(async () => {
  alice?.client.stopClient();
  await server.destroy();
});

test('slixmpp plugins: chat states, displayed markers and retraction against a Matrix client', async () => {
  const seen: sdk.MatrixEvent[] = [];
  alice.client.on(sdk.ClientEvent.Event, (ev) => { seen.push(ev); });
  const run = runPython([slixmppScript('rich_states.py'), '127.0.0.1', String(server.xmppPorts.starttls), 'bob@localhost/slix', 'secret-pw', 'alice@localhost'], 45_000);

  await until('alice sees bob\'s message', () => seen.some((e) => e.getContent().body === 'hello from slixmpp'), 15_000);
  const hello = seen.find((e) => e.getContent().body === 'hello from slixmpp')!;
  const roomId = hello.getRoomId()!;
  await until('alice sees bob typing (XEP-0085 composing)', () => alice.client.getRoom(roomId)?.getMember('@bob:localhost')?.typing === true, 15_000);
  await alice.client.sendTyping(roomId, true, 10_000);
  const { event_id: reply } = await alice.client.sendMessage(roomId, { msgtype: 'm.text', body: 'reply from matrix' } as never);
  await until('alice sees bob\'s receipt (XEP-0333 displayed)', () => alice.client.getRoom(roomId)?.getEventReadUpTo('@bob:localhost') === reply, 15_000);
  await alice.client.sendReadReceipt(alice.client.getRoom(roomId)!.findEventById(hello.getId()!)!);
  await until('bob\'s message is redacted (XEP-0424)', () => alice.client.getRoom(roomId)?.findEventById(hello.getId()!)?.isRedacted() === true, 15_000);

  const { code, stdout, stderr } = await run;
  assert.equal(code, 0, `slixmpp script failed: ${stderr}`);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(result.error, undefined, `slixmpp reported: ${result.error}\n${stderr}`);
  assert.equal(result.ok, true);
  assert.equal(result.got_composing, true);
  assert.deepEqual(result.reply, { body: 'reply from matrix', markable: true });
  assert.equal(result.displayed, 'slix-hello');
});
