// End-to-end encryption with two real matrix-js-sdk clients running its Rust crypto (vodozemac):
// device keys, one-time key claims, Olm to-device messages carrying Megolm room keys, device-list
// tracking in /sync, cross-signing behind user-interactive auth, and key backup to a new device.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sdk, until, loginAndSync, type Session } from './clients/matrix-sdk.js';
import { startTestServer, type TestServer } from './harness.js';
import * as RustCrypto from '@matrix-org/matrix-sdk-crypto-wasm';

let server: TestServer;
const withCrypto = {
  beforeStart: async (c: sdk.MatrixClient) => {
    await c.initRustCrypto({ useIndexedDB: false });
    // initRustCrypto turns the Rust side's tracing on at debug level, which floods the test output.
    new RustCrypto.Tracing(RustCrypto.LoggerLevel.Error).turnOn();
  },
};
const WAIT = 20000;

/** Bodies of the decrypted messages the client holds for the room. */
function clearBodies(s: Session, roomId: string): string[] {
  const events = s.client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
  return events.filter((e) => e.getType() === 'm.room.message' && !e.isDecryptionFailure()).map((e) => e.getContent().body as string);
}

/** Waits until the message is in the timeline and decrypted (or fails with what the client saw). */
async function decrypts(s: Session, roomId: string, body: string): Promise<void> {
  await until(`${s.userId} decrypts "${body}"`, () => clearBodies(s, roomId).includes(body), WAIT);
}

describe('E2EE with matrix-js-sdk Rust crypto', () => {
  let alice: Session;
  let bob: Session;
  let alice2: Session | undefined;
  let roomId: string;

  before(async () => {
    server = await startTestServer();
    await server.addUser('alice');
    await server.addUser('bob');
    alice = await loginAndSync(server.matrixUrl, 'alice', 'secret-pw', withCrypto);
    bob = await loginAndSync(server.matrixUrl, 'bob', 'secret-pw', withCrypto);
  });

  after(async () => {
    for (const s of [alice, bob, alice2]) s?.client.stopClient();
    // The Rust crypto retries requests that were in flight when the server went away, with
    // backoffs up to minutes that stopClient does not cancel: from here on no timer may hold the process.
    const arm = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms?: number, ...args: unknown[]) => (arm(fn, ms, ...args) as unknown as NodeJS.Timeout).unref()) as typeof setTimeout;
    await server.destroy();
  });

  it('exchanges messages in an encrypted room and each side decrypts the other', async () => {
    const created = await alice.client.createRoom({
      invite: [bob.userId], preset: sdk.Preset.PrivateChat,
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    roomId = created.room_id;
    await until('bob is invited', () => bob.client.getRoom(roomId)?.getMyMembership() === 'invite', WAIT);
    await bob.client.joinRoom(roomId);
    await until('alice sees bob join', () => alice.client.getRoom(roomId)?.getMember(bob.userId)?.membership === 'join', WAIT);
    assert.equal(await alice.client.getCrypto()!.isEncryptionEnabledInRoom(roomId), true);

    await alice.client.sendTextMessage(roomId, 'a secret for bob');
    await decrypts(bob, roomId, 'a secret for bob');
    await bob.client.sendTextMessage(roomId, 'a secret for alice');
    await decrypts(alice, roomId, 'a secret for alice');
    // What the server stored is ciphertext: the room's events carry no plaintext body.
    const raw = await alice.client.createMessagesRequest(roomId, null, 20, sdk.Direction.Backward);
    const types = raw.chunk.filter((e) => e.type === 'm.room.encrypted' || e.type === 'm.room.message').map((e) => e.type);
    assert.ok(types.length >= 2 && types.every((t) => t === 'm.room.encrypted'), JSON.stringify(types));
  });

  it('bootstraps cross-signing, and replaces it through user-interactive auth with the password', async () => {
    const crypto = alice.client.getCrypto()!;
    let asked = 0;
    await crypto.bootstrapCrossSigning({
      setupNewCrossSigning: true,
      authUploadDeviceSigningKeys: async (makeRequest) => {
        asked++;
        await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret-pw' });
      },
    });
    assert.equal(asked, 1);
    const status = await crypto.getCrossSigningStatus();
    assert.equal(status.publicKeysOnDevice, true);
    let ready = false;
    for (const t0 = Date.now(); !ready && Date.now() - t0 < WAIT; await new Promise((r) => setTimeout(r, 50))) ready = await crypto.isCrossSigningReady();
    assert.equal(ready, true, JSON.stringify(await crypto.getCrossSigningStatus()));
    // Replacing the keys needs the password: a wrong one is refused, the right one accepted.
    const before = (await alice.client.downloadKeysForUsers([alice.userId])).master_keys?.[alice.userId];
    const tries: number[] = [];
    await crypto.bootstrapCrossSigning({
      setupNewCrossSigning: true,
      authUploadDeviceSigningKeys: async (makeRequest) => {
        const auth = (password: string) => ({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password });
        await makeRequest(auth('wrong')).catch((e: { httpStatus?: number }) => tries.push(e.httpStatus ?? 0));
        await makeRequest(auth('secret-pw'));
      },
    });
    assert.deepEqual(tries, [401]);
    const after = (await alice.client.downloadKeysForUsers([alice.userId])).master_keys?.[alice.userId];
    assert.notDeepEqual(after?.keys, before?.keys);
    // Bob downloads alice's identity, and her device is signed by her self-signing key.
    const keys = await bob.client.downloadKeysForUsers([alice.userId]);
    const master = keys.master_keys?.[alice.userId];
    assert.ok(master && master.usage.includes('master'));
    const device = keys.device_keys?.[alice.userId]?.[alice.deviceId] as { signatures: Record<string, Record<string, string>> };
    const ssk = Object.keys(keys.self_signing_keys?.[alice.userId]?.keys ?? {})[0];
    assert.ok(ssk && device.signatures[alice.userId][ssk], 'device signed by the self-signing key');
  });

  it('a second device of alice reads earlier history through key backup', async () => {
    const crypto = alice.client.getCrypto()!;
    await crypto.resetKeyBackup();
    // resetKeyBackup enables the new version in the background; checking enables it now.
    const check = await crypto.checkKeyBackupAndEnable();
    assert.equal(check?.trustInfo.trusted, true);
    const version = (await crypto.getActiveSessionBackupVersion())!;
    assert.ok(version);
    const backupKey = (await crypto.getSessionBackupPrivateKey())!;
    // The backup engine uploads in the background; wait until the server counts both sessions.
    let backupCount = 0;
    const deadline = Date.now() + WAIT;
    while (Date.now() < deadline) {
      const info = await alice.client.http.authedRequest<{ count: number }>(sdk.Method.Get, '/room_keys/version');
      backupCount = info.count;
      if (backupCount >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(backupCount >= 2, `backup count ${backupCount}`);

    alice2 = await loginAndSync(server.matrixUrl, 'alice', 'secret-pw', withCrypto);
    const crypto2 = alice2.client.getCrypto()!;
    await crypto2.storeSessionBackupPrivateKey(backupKey, version);
    const restored = await crypto2.restoreKeyBackup();
    assert.ok(restored.imported >= 2, JSON.stringify(restored));
    await alice2.client.scrollback(alice2.client.getRoom(roomId)!, 20);
    await decrypts(alice2, roomId, 'a secret for bob');
    await decrypts(alice2, roomId, 'a secret for alice');
  });

  it('deleting a device behind the password drops it from the other user\'s device list', async () => {
    const gone = alice2!.deviceId;
    const devicesOfAlice = async () => [...((await bob.client.getCrypto()!.getUserDeviceInfo([alice.userId], true)).get(alice.userId)?.keys() ?? [])];
    let seen: string[] = [];
    for (const t0 = Date.now(); !seen.includes(gone) && Date.now() - t0 < WAIT; await new Promise((r) => setTimeout(r, 50))) seen = await devicesOfAlice();
    assert.ok(seen.includes(gone), 'bob learnt of the second device');
    const challenge = await alice.client.deleteDevice(gone).catch((e: { httpStatus: number; data: { session: string } }) => e);
    assert.equal((challenge as { httpStatus: number }).httpStatus, 401);
    const session = (challenge as { data: { session: string } }).data.session;
    await alice.client.deleteDevice(gone, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret-pw', session } as never);
    for (const t0 = Date.now(); seen.includes(gone) && Date.now() - t0 < WAIT; await new Promise((r) => setTimeout(r, 50))) seen = await devicesOfAlice();
    assert.deepEqual(seen, [alice.deviceId]);
  });
});
