// The cast of the cross-protocol tests: a fresh server with alice on a Matrix client
// (matrix-js-sdk, synced) and bob on an XMPP client (@xmpp/client, resource "phone", available).
import { startTestServer, type TestServer } from '../harness.js';
import { loginAndSync, type Session } from './matrix-sdk.js';
import { ImClient, xml } from '../xmpp-im-support/im-client.js';

export interface MixedPair { server: TestServer; alice: Session; bob: ImClient }

export async function startMixedPair(): Promise<MixedPair> {
  const server = await startTestServer();
  await server.addUser('alice');
  await server.addUser('bob');
  const alice = await loginAndSync(server.matrixUrl, 'alice');
  const bob = await ImClient.login(server.xmppPorts.starttls!, 'bob', 'secret-pw', 'phone');
  await bob.send(xml('presence'));
  return { server, alice, bob };
}

/** Stops both clients and removes the server (tolerates a half-made pair). */
export async function stopMixedPair(p: Partial<MixedPair>): Promise<void> {
  p.alice?.client.stopClient();
  await p.bob?.stop();
  await p.server?.destroy();
}
