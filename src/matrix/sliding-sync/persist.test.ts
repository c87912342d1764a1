import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnState } from './connection.js';
import { parseStates, serializeStates } from './persist.js';
import { fromPairs } from './required-state.js';

describe('sliding sync connection state as saved text', () => {
  it('round-trips rooms, subscriptions, extensions and list counts, writing a shared spec once', () => {
    const spec = fromPairs([['m.room.name', ''], ['m.room.member', '$LAZY']]);
    const other = { include: [['*', '*'] as const], exclude: [['m.room.create', ''] as const], lazyMembers: false };
    const state: ConnState = {
      upto: 42,
      rooms: new Map([
        ['!a:h', { at: 40, from: 30, membership: 'join', timelineLimit: 1, stateSpec: spec, isDm: true, lazySent: new Set(['@b:h']), counts: [2, 1] as const }],
        ['!b:h', { at: 41, from: 42, membership: 'invite', timelineLimit: 1, stateSpec: spec, isDm: false, lazySent: new Set<string>() }],
      ]),
      subscriptions: new Map([['!a:h', { timelineLimit: 20, requiredState: other }], ['!c:h', { timelineLimit: 5, requiredState: spec, oldRooms: { timelineLimit: 0, requiredState: other } }]]),
      extensions: { e2ee: { enabled: true }, receipts: { enabled: true, rooms: ['*'] }, to_device: { enabled: true, limit: 100 } },
      listCounts: new Map([['all_rooms', 2]]),
    };
    const text = serializeStates(new Map([['p1', state]]));
    assert.equal(text.split('m.room.name').length - 1, 1, 'the shared spec is written once');
    const back = parseStates(text)!.get('p1')!;
    assert.equal(back.upto, 42);
    assert.deepEqual([...back.rooms.keys()], ['!a:h', '!b:h']);
    assert.deepEqual(back.rooms.get('!a:h'), state.rooms.get('!a:h'));
    assert.deepEqual(back.rooms.get('!b:h'), state.rooms.get('!b:h'));
    assert.deepEqual(back.subscriptions, state.subscriptions);
    assert.deepEqual(back.extensions, state.extensions);
    assert.deepEqual(back.listCounts, state.listCounts);
  });

  it('text it cannot read gives null, not a crash', () => {
    for (const bad of ['', 'not json', '{"v":99,"specs":[],"states":[]}', '{"v":1,"specs":[],"states":[["p",{"upto":1,"rooms":[["!a",1,1,"join",1,7,0,[],null]],"subs":[],"ext":{},"counts":[]}]]}', 'null']) {
      assert.equal(parseStates(bad), null, bad);
    }
  });
});
