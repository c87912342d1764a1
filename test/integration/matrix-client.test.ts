// Two real matrix-js-sdk clients against Hearth: what passes here is what a user's client does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sdk, until, loginAndSync as login, startSession as start, type Session } from './clients/matrix-sdk.js';
import { startTestServer, type TestServer } from './harness.js';

let server: TestServer;
type MessagesPage = Awaited<ReturnType<sdk.MatrixClient['createMessagesRequest']>>;

function membership(s: Session, roomId: string, userId: string): string | undefined {
  return s.client.getRoom(roomId)?.getMember(userId)?.membership;
}

describe('matrix-js-sdk against Hearth', () => {
  let alice: Session;
  let bob: Session;
  let roomId: string;

  before(async () => {
    server = await startTestServer();
    await server.addUser('alice');
    await server.addUser('bob');
    alice = await loginAndSyncHere('alice');
    bob = await loginAndSyncHere('bob');
  });

  after(async () => {
    alice?.client.stopClient();
    bob?.client.stopClient();
    await server.destroy();
  });

  it('creates a room with name, topic and alias, and the invitee sees the invite', async () => {
    const created = await alice.client.createRoom({
      name: 'Hearth room', topic: 'Warm talk', room_alias_name: 'room', invite: [bob.userId], preset: sdk.Preset.PrivateChat,
    });
    roomId = created.room_id;
    await until('bob is invited', () => bob.client.getRoom(roomId)?.getMyMembership() === 'invite');
    assert.equal(bob.client.getRoom(roomId)?.name, 'Hearth room');
    await until('alice sees the room state', () => alice.client.getRoom(roomId)?.currentState.getStateEvents('m.room.topic', '')?.getContent().topic === 'Warm talk');
    const alias = await alice.client.getRoomIdForAlias('#room:localhost');
    assert.equal(alias.room_id, roomId);
  });

  it('joins by alias and exchanges messages both ways', async () => {
    const room = await bob.client.joinRoom('#room:localhost');
    assert.equal(room.roomId, roomId);
    await until('alice sees bob join', () => membership(alice, roomId, bob.userId) === 'join');
    await alice.client.sendTextMessage(roomId, 'hello bob');
    await until('bob receives it', () => bob.seen.includes('hello bob'));
    await bob.client.sendTextMessage(roomId, 'hello alice');
    await until('alice receives it', () => alice.seen.includes('hello alice'));
    // The sender's own message is matched to its local echo, not shown twice.
    const mine = alice.client.getRoom(roomId)!.getLiveTimeline().getEvents().filter((e) => e.getContent().body === 'hello bob');
    assert.equal(mine.length, 1);
    assert.ok(mine[0].getId()?.startsWith('$'));
  });

  it('shows a display name change to the other member', async () => {
    await bob.client.setDisplayName('Bobby');
    await until('alice sees the new name', () => alice.client.getRoom(roomId)?.getMember(bob.userId)?.name === 'Bobby');
    const profile = await alice.client.getProfileInfo(bob.userId);
    assert.equal(profile.displayname, 'Bobby');
  });

  it('kicks, bans and unbans', async () => {
    await alice.client.kick(roomId, bob.userId, 'out');
    await until('bob sees the kick', () => bob.client.getRoom(roomId)?.getMyMembership() === 'leave');
    await alice.client.ban(roomId, bob.userId, 'gone');
    await until('alice sees the ban', () => membership(alice, roomId, bob.userId) === 'ban');
    await assert.rejects(bob.client.joinRoom(roomId), (e: sdk.MatrixError) => e.errcode === 'M_FORBIDDEN');
    await alice.client.unban(roomId, bob.userId);
    await until('alice sees the unban', () => membership(alice, roomId, bob.userId) === 'leave');
    await alice.client.invite(roomId, bob.userId);
    await until('bob is invited again', () => bob.client.getRoom(roomId)?.getMyMembership() === 'invite');
    await bob.client.joinRoom(roomId);
    await until('alice sees bob back', () => membership(alice, roomId, bob.userId) === 'join');
  });

  it('paginates history backwards', async () => {
    for (let i = 0; i < 15; i++) await alice.client.sendTextMessage(roomId, `history ${i}`);
    await until('bob has the last one', () => bob.seen.includes('history 14'));
    const bodies: string[] = [];
    let from: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: MessagesPage = await bob.client.createMessagesRequest(roomId, from, 5, sdk.Direction.Backward);
      bodies.push(...res.chunk.filter((e) => e.type === 'm.room.message').map((e) => e.content.body as string));
      if (!res.end) break;
      from = res.end;
    }
    assert.deepEqual(bodies.filter((b) => b.startsWith('history')), Array.from({ length: 15 }, (_, i) => `history ${14 - i}`));
    assert.equal(bodies[bodies.length - 1], 'hello bob');
    // The SDK's own scrollback, from the sync's prev_batch, reaches the room's creation.
    const room = alice.client.getRoom(roomId)!;
    for (let i = 0; i < 10 && room.getLiveTimeline().getEvents()[0]?.getType() !== 'm.room.create'; i++) await alice.client.scrollback(room, 20);
    assert.equal(room.getLiveTimeline().getEvents()[0].getType(), 'm.room.create');
  });

  it('keeps history across a server restart', async () => {
    alice.client.stopClient();
    bob.client.stopClient();
    server = await server.restart();
    const res = await (await startSessionAfterRestart(alice)).client.createMessagesRequest(roomId, null, 50, sdk.Direction.Backward);
    const bodies = res.chunk.map((e) => e.content.body);
    assert.ok(bodies.includes('hello bob'));
    assert.ok(bodies.includes('hello alice'));
    assert.ok(bodies.includes('history 14'));
    assert.equal(alice.client.getRoom(roomId)?.name, 'Hearth room');
  });

  /** The old access token still works: sessions are in the database. */
  async function startSessionAfterRestart(old: Session): Promise<Session> {
    alice = await startSessionHere(old.userId, old.accessToken, old.deviceId);
    return alice;
  }
});

function loginAndSyncHere(name: string): Promise<Session> {
  return login(server.matrixUrl, name);
}

function startSessionHere(userId: string, accessToken: string, deviceId: string): Promise<Session> {
  return start(server.matrixUrl, userId, accessToken, deviceId);
}
