import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreServices } from '../../core/services.js';
import { StreamCounter, inProcessBus } from '../../core/bus.js';
import { Presence } from './presence.js';

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
