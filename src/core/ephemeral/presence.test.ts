import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreServices } from '../services.js';
import { StreamCounter, inProcessBus } from '../bus.js';
import { combined, Presence } from './presence.js';

/** Just what Presence touches of the core: config, stream, write queue, rooms, accounts, bus. */
function fakeCore(enabled = true) {
  const bus = inProcessBus();
  const woken: string[] = [];
  bus.onUser((n) => woken.push(n.userId));
  const core = {
    config: { matrix: { presence: enabled, max_sync_timeout_ms: 30_000 } },
    stream: new StreamCounter(0),
    storage: { writes: { enqueue: async (w: () => void) => w() }, kv: { put: () => {} }, rooms: { roomsForUser: () => [{ roomId: '!r:h' }] } },
    rooms: { joinedMembers: () => ['@a:h', '@b:h', '@remote:elsewhere'] },
    accounts: { localpartOf: (u: string) => (u.endsWith(':h') ? u.slice(1, u.indexOf(':')) : null) },
    bus,
  } as unknown as CoreServices;
  return { core, woken };
}

test('presence: a change wakes room-mates, a repeat does not; sync tokens see it once', async () => {
  const { core, woken } = fakeCore();
  const p = new Presence(core);
  await p.set('@a:h', 'online');
  assert.deepEqual(woken.sort(), ['@a:h', '@b:h']);
  await p.set('@a:h', 'online');
  assert.equal(woken.length, 2);
  const at = core.stream.committed;
  assert.deepEqual(p.eventsFor('@b:h', null, at).map((e) => [e.sender, e.content.presence, e.content.currently_active]), [['@a:h', 'online', true]]);
  assert.deepEqual(p.eventsFor('@b:h', at, at), []);
  await p.set('@a:h', 'unavailable', 'away');
  // A change after the token is found; none after the newest change is an empty answer.
  assert.deepEqual(p.eventsFor('@b:h', at, core.stream.committed).map((e) => e.content.presence), ['unavailable']);
  assert.deepEqual(p.eventsFor('@b:h', core.stream.committed, core.stream.committed), []);
  assert.deepEqual(p.contentOf('@a:h')?.status_msg, 'away');
  assert.equal(p.contentOf('@nobody:h'), null);
  p.close();
});

test('presence: users who stopped syncing go offline; off means no state at all', async () => {
  const { core } = fakeCore();
  const p = new Presence(core);
  await p.set('@a:h', 'online');
  await p.sweep(Date.now() + 60_000);
  assert.equal(p.contentOf('@a:h')?.presence, 'online', 'still within a long-poll and a minute');
  await p.sweep(Date.now() + 91_000);
  assert.equal(p.contentOf('@a:h')?.presence, 'offline');
  p.close();
  const off = new Presence(fakeCore(false).core);
  await off.set('@a:h', 'online');
  assert.equal(off.contentOf('@a:h'), null);
  assert.deepEqual(off.eventsFor('@a:h', null, 100), []);
  off.close();
});

test('presence: two sources; room-mates see the better one, each source is told apart', async () => {
  const { core, woken } = fakeCore();
  const p = new Presence(core);
  const seen: string[] = [];
  p.onSourceChange((u, source, s) => seen.push(`${u} ${source} ${s.presence}`));
  await p.setXmpp('@a:h', 'offline', null);
  assert.equal(p.contentOf('@a:h'), null, 'an XMPP "offline" for someone never seen is no news');
  await p.setXmpp('@a:h', 'unavailable', 'on the phone');
  assert.deepEqual([p.contentOf('@a:h')?.presence, p.contentOf('@a:h')?.status_msg], ['unavailable', 'on the phone']);
  await p.set('@a:h', 'online', 'at my desk');
  assert.deepEqual([p.contentOf('@a:h')?.presence, p.contentOf('@a:h')?.status_msg], ['online', 'at my desk']);
  const n = woken.length;
  await p.setXmpp('@a:h', 'offline', null); // Matrix still online: nothing changes for room-mates
  assert.equal(woken.length, n);
  assert.equal(p.contentOf('@a:h')?.presence, 'online');
  await p.set('@a:h', 'offline');
  assert.equal(p.contentOf('@a:h')?.presence, 'offline');
  assert.deepEqual(p.source('@a:h', 'matrix')?.presence, 'offline');
  assert.deepEqual(seen, ['@a:h xmpp unavailable', '@a:h matrix online', '@a:h xmpp offline', '@a:h matrix offline']);
  p.close();
});

test('presence: combined state, ties to the latest change', () => {
  const s = (presence: 'online' | 'unavailable' | 'offline', changedAt: number, statusMsg: string | null = null) => ({ presence, statusMsg, changedAt });
  assert.deepEqual(combined(null, null), { presence: 'offline', statusMsg: null });
  assert.deepEqual(combined(s('offline', 5, 'x'), s('unavailable', 1, 'y')), { presence: 'unavailable', statusMsg: 'y' });
  assert.deepEqual(combined(s('online', 1, 'a'), s('online', 2, 'b')), { presence: 'online', statusMsg: 'b' });
  assert.deepEqual(combined(s('online', 3, 'a'), null), { presence: 'online', statusMsg: 'a' });
});

test('presence: a plain sync brings a user online but leaves an unavailable they set', async () => {
  const { core } = fakeCore();
  const p = new Presence(core);
  await p.syncing('@a:h');
  assert.equal(p.contentOf('@a:h')?.presence, 'online');
  await p.set('@a:h', 'unavailable', 'lunch');
  await p.syncing('@a:h');
  assert.equal(p.contentOf('@a:h')?.presence, 'unavailable');
  await p.set('@a:h', 'offline');
  await p.syncing('@a:h');
  assert.equal(p.contentOf('@a:h')?.presence, 'online');
  p.close();
});

test('presence: a join stamps the presence of the room\'s members again, so new room-mates see each other', async () => {
  const { core, woken } = fakeCore();
  const p = new Presence(core);
  await p.set('@a:h', 'online');
  await p.set('@b:h', 'unavailable', 'away');
  const before = core.stream.committed;
  woken.length = 0;
  core.bus.publishRoomEvent({ stream: 0, roomId: '!r:h', eventId: '$j', pdu: { type: 'm.room.member', state_key: '@b:h', content: { membership: 'join' } } as never, recipients: [] });
  // One stamp for both: each room-mate is woken once.
  await until(() => woken.length >= 2);
  assert.deepEqual([...woken].sort(), ['@a:h', '@b:h']);
  const events = p.eventsFor('@a:h', before, core.stream.committed).map((e) => [e.sender, e.content.presence]);
  assert.deepEqual(events.sort(), [['@a:h', 'online'], ['@b:h', 'unavailable']]);
  p.close();
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check());
}
