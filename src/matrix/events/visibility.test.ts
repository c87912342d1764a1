import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maySee, type VisibilityHistory } from './visibility.js';

const me = '@me:x';
const msg = (stream: number) => ({ stream, type: 'm.room.message' });
const sees = (h: VisibilityHistory, streams: number[]) => streams.filter((s) => maySee(h, msg(s), me));

describe('history visibility per event', () => {
  // Events at 1..10; the user is invited at 4, joins at 6, leaves at 8.
  const membership = [{ stream: 4, value: 'invite' }, { stream: 6, value: 'join' }, { stream: 8, value: 'leave' }];
  const all = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const withHv = (value: string) => ({ visibility: [{ stream: 1, value }], membership });

  it('shared: everything before the (last) join, nothing after leaving', () => {
    assert.deepEqual(sees(withHv('shared'), all), [1, 2, 3, 4, 5, 6, 7]);
  });

  it('invited: from the invite on', () => {
    assert.deepEqual(sees(withHv('invited'), all), [4, 5, 6, 7]);
  });

  it('joined: from the join on', () => {
    assert.deepEqual(sees(withHv('joined'), all), [6, 7]);
  });

  it('world_readable: everything, member or not', () => {
    assert.deepEqual(sees({ visibility: [{ stream: 1, value: 'world_readable' }], membership: [] }, all), all);
  });

  it('no setting or an unknown value means shared', () => {
    assert.deepEqual(sees({ visibility: [], membership }, all), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(sees(withHv('sometimes'), all), [1, 2, 3, 4, 5, 6, 7]);
  });

  it('applies the setting in force at each event', () => {
    // joined until 5, then shared: the events from 5 on are shared with later joiners.
    const h = { visibility: [{ stream: 1, value: 'joined' }, { stream: 5, value: 'shared' }], membership: [{ stream: 9, value: 'join' }] };
    assert.deepEqual(sees(h, all), [5, 6, 7, 8, 9, 10]);
  });

  it('never joined: nothing but world_readable', () => {
    const h = { visibility: [{ stream: 1, value: 'shared' }, { stream: 5, value: 'world_readable' }], membership: [] };
    assert.deepEqual(sees(h, all), [5, 6, 7, 8, 9, 10]);
  });

  it('the user\'s own membership events and history_visibility changes count before or after', () => {
    const h = withHv('joined');
    assert.ok(maySee(h, { stream: 6, type: 'm.room.member', stateKey: me }, me), 'own join');
    assert.ok(maySee(h, { stream: 8, type: 'm.room.member', stateKey: me }, me), 'own leave');
    assert.ok(!maySee(h, { stream: 4, type: 'm.room.member', stateKey: me }, me), 'invite under joined');
    assert.ok(!maySee(h, { stream: 8, type: 'm.room.member', stateKey: '@other:x' }, me), 'someone else at the leave');
    const change = { visibility: [{ stream: 1, value: 'world_readable' }, { stream: 3, value: 'joined' }], membership: [] };
    assert.ok(maySee(change, { stream: 3, type: 'm.room.history_visibility', stateKey: '' }, me), 'from world_readable to joined');
    assert.ok(!maySee(change, msg(4), me));
  });
});
