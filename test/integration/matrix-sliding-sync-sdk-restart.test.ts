// matrix-js-sdk's SlidingSync across a server restart: its long-poll breaks, it retries with the
// pos it holds, and the saved connection answers it, so it carries on where it was instead of
// getting M_UNKNOWN_POS and syncing every room again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { SlidingSync, SlidingSyncEvent, SlidingSyncState, type MSC3575List } from 'matrix-js-sdk/lib/sliding-sync.js';
import { quiet, sdk, until } from './clients/matrix-sdk.js';
import { startTestServer, type TestServer } from './harness.js';
import { enc, matrixFetch, v3 } from './matrix-fetch.js';

const WAIT = 20000;
const LIST: MSC3575List = { ranges: [[0, 9]], timeline_limit: 1, required_state: [['m.room.name', '']] };

/** A free loopback port, so that the restarted server listens where the client already points. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('matrix-js-sdk SlidingSync across a server restart', () => {
  let server: TestServer;
  const { login, ok } = matrixFetch(() => server.matrixUrl);
  let client: sdk.MatrixClient;
  let sliding: SlidingSync;
  const live: string[] = [];
  const refused: number[] = [];
  const roomData: string[] = [];

  before(async () => {
    const port = await freePort();
    server = await startTestServer({ extra: { matrix: { client_listen: `127.0.0.1:${port}` } } });
    await server.addUser('alice');
    const res = (await login('alice')).json;
    for (const name of ['one', 'two']) await ok('POST', `${v3}/createRoom`, { token: res.access_token, body: { name } });
    client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: res.access_token, userId: res.user_id, deviceId: res.device_id, logger: quiet });
    sliding = new SlidingSync(server.matrixUrl, new Map([['rooms', LIST]]), { timeline_limit: 1 }, client, 2000);
    sliding.on(SlidingSyncEvent.Lifecycle, (state, _resp, err) => {
      const status = (err as { httpStatus?: number } | undefined)?.httpStatus;
      if (state === SlidingSyncState.RequestFinished && status !== undefined) refused.push(status);
    });
    sliding.on(SlidingSyncEvent.RoomData, (roomId) => { roomData.push(roomId); });
    client.on(sdk.RoomEvent.Timeline, (ev, _room, toStart) => {
      if (!toStart && ev.getType() === 'm.room.message') live.push(ev.getContent().body);
    });
    await client.startClient({ slidingSync: sliding });
    await until('both rooms arrive', () => client.getRooms().length === 2, WAIT);
  });

  after(async () => {
    client?.stopClient();
    await server?.destroy();
  });

  it('carries on with the same connection: only the new message comes, no M_UNKNOWN_POS', async () => {
    const roomId = client.getRooms().find((r) => r.name === 'one')!.roomId;
    roomData.length = 0;
    server = await server.restart();
    const token = (await login('alice')).json.access_token as string;
    await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/r1`, { token, body: { msgtype: 'm.text', body: 'after the restart' } });
    await until('the message arrives', () => live.includes('after the restart'), WAIT);
    assert.deepEqual(refused, [], 'no request was refused (M_UNKNOWN_POS would be a 400)');
    // Had the connection started over, both rooms would have come again.
    assert.deepEqual([...new Set(roomData)], [roomId]);
  });
});
