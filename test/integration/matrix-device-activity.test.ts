// Element's session manager: each device says when it was last active, from which address and
// with which client (last_seen_ts, last_seen_ip, MSC3852 last_seen_user_agent). matrix-js-sdk
// lists the devices; raw requests come with a browser's User-Agent, and through a reverse proxy
// on this machine, whose X-Forwarded-For names the real address.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loginAndSync, type Session } from './clients/matrix-sdk.js';
import { startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let alice: Session;

before(async () => {
  server = await startTestServer();
  await server.addUser('alice');
  alice = await loginAndSync(server.matrixUrl, 'alice');
});
after(async () => {
  alice?.client.stopClient();
  await server?.destroy();
});

const mine = async () => (await alice.client.getDevices()).devices.find((d) => d.device_id === alice.deviceId)!;

test('a device is seen with its address and client; a new client or address shows at once', async () => {
  const started = Date.now();
  const d = await mine();
  assert.equal(d.last_seen_ip, '127.0.0.1');
  assert.ok(typeof d.last_seen_ts === 'number' && d.last_seen_ts <= Date.now() && d.last_seen_ts > started - 60_000);
  assert.equal(typeof d.last_seen_user_agent, 'string', 'the client\'s User-Agent is shown');

  // The request that lists the devices is itself activity: this one comes from a browser behind the proxy.
  const ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  const res = await fetch(`${server.matrixUrl}/_matrix/client/v3/devices`, {
    headers: { Authorization: `Bearer ${alice.accessToken}`, 'User-Agent': ua, 'X-Forwarded-For': '203.0.113.50, 198.51.100.7' },
  });
  assert.equal(res.status, 200);
  const seen = ((await res.json()) as { devices: Record<string, unknown>[] }).devices.find((x) => x.device_id === alice.deviceId)!;
  assert.equal(seen.last_seen_ip, '198.51.100.7', 'the address the proxy on this machine saw');
  assert.equal(seen.last_seen_user_agent, ua);
  assert.equal(seen['org.matrix.msc3852.last_seen_user_agent'], ua);
  // A request with a bad token is nobody's activity; matrix-js-sdk's own request is the latest.
  await fetch(`${server.matrixUrl}/_matrix/client/v3/account/whoami`, { headers: { Authorization: 'Bearer nope', 'User-Agent': 'intruder' } });
  const last = await mine();
  assert.notEqual(last.last_seen_user_agent, 'intruder');
  assert.equal(last.last_seen_ip, '127.0.0.1');
});
