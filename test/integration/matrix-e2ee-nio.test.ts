// Cross-implementation E2EE: Debian's python3-matrix-nio on libolm (alice) and matrix-js-sdk on
// vodozemac (bob) share an encrypted room through Hearth and each decrypts the other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as RustCrypto from '@matrix-org/matrix-sdk-crypto-wasm';
import { sdk, until, loginAndSync, type Session } from './clients/matrix-sdk.js';
import { runPython } from './clients/slixmpp.js';
import { startTestServer, type TestServer } from './harness.js';
import { enc, matrixFetch, v3 } from './matrix-fetch.js';

const SCRIPT = fileURLToPath(new URL('../../../test/integration/matrix-e2ee-nio/exchange.py', import.meta.url));
let server: TestServer;

function decrypted(s: Session, roomId: string, body: string): boolean {
  const events = s.client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
  return events.some((e) => e.getType() === 'm.room.message' && e.getContent().body === body);
}

describe('E2EE between matrix-nio (libolm) and matrix-js-sdk (vodozemac)', () => {
  let bob: Session;

  before(async () => {
    server = await startTestServer();
    await server.addUser('alice');
    await server.addUser('bob');
    bob = await loginAndSync(server.matrixUrl, 'bob', 'secret-pw', {
      beforeStart: async (c) => {
        await c.initRustCrypto({ useIndexedDB: false });
        new RustCrypto.Tracing(RustCrypto.LoggerLevel.Error).turnOn();
      },
    });
  });

  after(async () => {
    bob?.client.stopClient();
    const arm = globalThis.setTimeout;
    // As in matrix-e2ee.test.ts: the Rust crypto's retry timers must not outlive the server.
    globalThis.setTimeout = ((fn: () => void, ms?: number, ...args: unknown[]) => (arm(fn, ms, ...args) as unknown as NodeJS.Timeout).unref()) as typeof setTimeout;
    await server.destroy();
  });

  it('each side decrypts the other', async () => {
    // nio 0.20 refuses a /joined_members answer without display_name (Hearth leaves it out when
    // unset), so both members get one first.
    await bob.client.setDisplayName('Bob');
    const { ok } = matrixFetch(() => server.matrixUrl);
    const token = (await ok('POST', `${v3}/login`, { body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret-pw' } })).access_token;
    await ok('PUT', `${v3}/profile/${enc('@alice:localhost')}/displayname`, { token, body: { displayname: 'Alice' } });
    await ok('POST', `${v3}/logout`, { token });
    const { room_id: roomId } = await bob.client.createRoom({
      invite: ['@alice:localhost'], preset: sdk.Preset.PrivateChat,
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    const nio = runPython([SCRIPT, server.matrixUrl, '@alice:localhost', 'secret-pw', roomId, 'hello from nio', 'hello from js'], 28_000);
    await until('bob decrypts the nio message', () => decrypted(bob, roomId, 'hello from nio'), 25_000).catch(async (e) => {
      const r = await nio;
      throw new Error(`${(e as Error).message}; nio exited ${r.code}: ${r.stderr.slice(-1500)}`);
    });
    await bob.client.sendTextMessage(roomId, 'hello from js');
    const r = await nio;
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.match(r.stdout, /^GOT hello from js$/m);
  });
});
