// An account deleted with the CLI (another process, writing the same database) leaves its rooms
// and loses its XMPP streams once the running server notices, like one deactivated over Matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as cli } from '../../src/admin/cli.js';
import { startMixedPair, stopMixedPair, type MixedPair } from './clients/mixed-pair.js';
import { loginAndSync, until } from './clients/matrix-sdk.js';
import { startTestServer } from './harness.js';
import { ImClient, isMessage, xml, type XmlNode } from './xmpp-im-support/im-client.js';

async function pairInOneRoom(): Promise<MixedPair & { roomId: string }> {
  const p = await startMixedPair();
  const { room_id: roomId } = await p.alice.client.createRoom({ name: 'club', invite: ['@bob:localhost'] });
  await p.server.core.rooms.send(roomId, { type: 'm.room.member', sender: '@bob:localhost', stateKey: '@bob:localhost', content: { membership: 'join' } });
  await until('alice sees bob join', () => p.alice.client.getRoom(roomId)?.getMember('@bob:localhost')?.membership === 'join');
  return { ...p, roomId };
}

function streamError(p: MixedPair): Promise<string> {
  return new Promise((resolve) => p.bob.xmpp.on('error', (err) => { const e = err as Error & { condition?: string }; resolve(e.condition ?? e.message); }));
}

test('hearth user delete: the running server makes the account leave its rooms and ends its XMPP streams', async () => {
  const p = await pairInOneRoom();
  try {
    const config = join(p.server.dataDir, 'cli.yaml');
    writeFileSync(config, `server_name: localhost\ndata_dir: ${JSON.stringify(p.server.dataDir)}\n`);
    // carol writes to bob over XMPP before and after: the server knows bob's account by then.
    await p.server.addUser('carol');
    const carol = await ImClient.login(p.server.xmppPorts.starttls!, 'carol', 'secret-pw', 'pc');
    await carol.send(xml('message', { to: 'bob@localhost', type: 'chat', id: 'm1' }, xml('body', {}, 'hello')));
    await p.bob.next(isMessage('hello'), 'carol\'s message');
    const ended = streamError(p);
    assert.equal(await cli(['user', 'delete', 'bob', '--config', config]), 0);
    // The sweep runs every 30 s; run it now rather than wait.
    assert.equal(await p.server.core.deactivations.sweep(), 1);
    assert.equal(await ended, 'not-authorized');
    await carol.send(xml('message', { to: 'bob@localhost', type: 'chat', id: 'm2' }, xml('body', {}, 'still there?')));
    const bounced = await carol.next((el: XmlNode) => el.name === 'message' && el.attrs.id === 'm2', 'the bounce');
    assert.equal(bounced.attrs.type, 'error');
    assert.ok(bounced.getChild('error')?.getChild('service-unavailable'), 'a deactivated account is no longer there');
    await carol.stop();
    await until('alice sees bob leave', () => p.alice.client.getRoom(p.roomId)?.getMember('@bob:localhost')?.membership === 'leave');
    assert.equal(await p.server.core.deactivations.sweep(), 0, 'an account is finished once');
  } finally {
    await stopMixedPair(p);
  }
});

test('an account deleted while the server was down has left its rooms once the server is up again', async () => {
  const p = await pairInOneRoom();
  p.alice.client.stopClient();
  await p.bob.stop();
  await p.server.close();
  const config = join(p.server.dataDir, 'cli.yaml');
  writeFileSync(config, `server_name: localhost\ndata_dir: ${JSON.stringify(p.server.dataDir)}\n`);
  assert.equal(await cli(['user', 'delete', 'bob', '--config', config]), 0);
  const server = await startTestServer({ dataDir: p.server.dataDir });
  try {
    const alice = await loginAndSync(server.matrixUrl, 'alice');
    await until('alice sees bob gone', () => alice.client.getRoom(p.roomId)?.getMember('@bob:localhost')?.membership === 'leave');
    alice.client.stopClient();
  } finally {
    await server.destroy();
  }
});
