import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stateTuple } from '../../core/events/types.js';
import { LazyMemberCache, lazyMemberState } from './lazy-members.js';

const member = (u: string) => stateTuple('m.room.member', u);
const dev = (deviceId: string) => ({ userId: '@me:x', deviceId, accessToken: 't' });

describe('lazy-loading members', () => {
  const full = new Map([
    [stateTuple('m.room.create', ''), '$create'],
    [stateTuple('m.room.name', ''), '$name'],
    [member('@me:x'), '$me'], [member('@a:x'), '$a'], [member('@b:x'), '$b'], [member('@c:x'), '$c'],
  ]);
  const memberAt = (u: string) => full.get(member(u));

  it('keeps all other state and only the wanted members', () => {
    const out = lazyMemberState({ stateIds: full, gap: false, wanted: ['@a:x', '@me:x', '@nobody:x'], memberAt, redundant: () => false });
    assert.deepEqual([...out.values()].sort(), ['$a', '$create', '$me', '$name']);
  });

  it('leaves out redundant members, but never the gap of a limited sync', () => {
    const redundant = (u: string) => u === '@a:x';
    const out = lazyMemberState({ stateIds: new Map(), gap: false, wanted: ['@a:x', '@b:x'], memberAt, redundant });
    assert.deepEqual([...out.values()], ['$b']);
    const gap = new Map([[member('@c:x'), '$c2'], [member('@a:x'), '$a']]);
    const out2 = lazyMemberState({ stateIds: gap, gap: true, wanted: ['@a:x'], memberAt, redundant });
    assert.deepEqual([...out2.values()].sort(), ['$a', '$c2']);
  });

  it('counts a member as known only once the device synced past the response, per device', () => {
    const cache = new LazyMemberCache();
    cache.record(dev('D1'), '!r', [['@a:x', '$a']], 10);
    assert.equal(cache.has(dev('D1'), '!r', '@a:x', '$a', 9), false, 'response not acknowledged (retried since)');
    assert.equal(cache.has(dev('D1'), '!r', '@a:x', '$a', 10), true);
    assert.equal(cache.has(dev('D1'), '!r', '@a:x', '$a2', 10), false, 'membership changed');
    assert.equal(cache.has(dev('D2'), '!r', '@a:x', '$a', 10), false, 'another device');
    assert.equal(cache.has(dev('D1'), '!other', '@a:x', '$a', 10), false, 'another room');
    assert.equal(cache.has(dev('D1'), '!r', '@a:x', '$a', null), false, 'initial sync');
    cache.record(dev('D1'), '!r', [['@a:x', '$a']], 20);
    assert.equal(cache.has(dev('D1'), '!r', '@a:x', '$a', 15), true, 'resending keeps the acknowledged position');
    cache.reset(dev('D1'), '!r');
    assert.equal(cache.has(dev('D1'), '!r', '@a:x', '$a', 30), false);
  });

  it('is bounded', () => {
    const cache = new LazyMemberCache(2);
    for (const r of ['!1', '!2', '!3']) cache.record(dev('D'), r, [['@a:x', '$a']], 1);
    assert.equal(cache.has(dev('D'), '!1', '@a:x', '$a', 5), false);
    assert.equal(cache.has(dev('D'), '!3', '@a:x', '$a', 5), true);
  });
});
