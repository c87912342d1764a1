import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromPairs, stateSelector } from './required-state.js';
import { applyExtensions, applySubscriptions, mergeConfigs } from './subscriptions.js';

const cfg = (timelineLimit: number, pairs: [string, string][] = []) => ({ timelineLimit, requiredState: fromPairs(pairs) });

describe('sliding sync subscriptions and room configs', () => {
  it('subscriptions stick until unsubscribed; a new one replaces the old', () => {
    let held = applySubscriptions(new Map(), new Map([['!a', cfg(1)], ['!b', cfg(2)]]), []);
    held = applySubscriptions(held, new Map(), []);
    assert.deepEqual([...held.keys()], ['!a', '!b']);
    held = applySubscriptions(held, new Map([['!a', cfg(5)]]), ['!b']);
    assert.deepEqual([...held.keys()], ['!a']);
    assert.equal(held.get('!a')!.timelineLimit, 5);
  });

  it('extensions stick until sent again; to_device since never sticks', () => {
    let held = applyExtensions({}, { e2ee: { enabled: true }, to_device: { enabled: true, since: '9', limit: 50 } });
    held = applyExtensions(held, { receipts: { enabled: true } });
    assert.deepEqual(held, { e2ee: { enabled: true }, to_device: { enabled: true, limit: 50 }, receipts: { enabled: true } });
    held = applyExtensions(held, { e2ee: { enabled: false } });
    assert.equal(held.e2ee!.enabled, false);
  });

  it('a room in several lists and subscriptions gets the largest timeline and the union of state', () => {
    const m = mergeConfigs([cfg(1, [['m.room.name', '']]), cfg(20, [['m.room.topic', '']]), cfg(3, [['m.room.member', '$LAZY']])]);
    assert.equal(m.timelineLimit, 20);
    const sel = stateSelector(m.requiredState, '@me');
    assert.ok(sel('m.room.name', '') && sel('m.room.topic', ''));
    assert.equal(m.requiredState.lazyMembers, true);
  });
});
