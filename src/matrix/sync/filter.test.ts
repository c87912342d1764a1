import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_SYNC_FILTER, MAX_FILTER_LIMIT, eventMatches, excludesAll, globMatches, parseRoomEventFilter, parseSyncFilter, roomMatches } from './filter.js';
import { MatrixError } from '../errors.js';

const isBadJson = (e: MatrixError) => e.status === 400 && e.errcode === 'M_BAD_JSON';

describe('filters', () => {
  it('knows a filter that lets nothing through, exactly when eventMatches refuses every event', () => {
    const evs = [{ type: 'm.presence', sender: '@a:x' }, { type: 'm.typing' }, { type: '' }];
    const cases: [unknown, boolean][] = [
      [{ presence: { types: [] } }, true], [{ presence: { not_types: ['*'] } }, true], [{ presence: { not_types: ['*'], types: ['m.presence'] } }, true],
      [{ presence: { types: ['m.presence'] } }, false], [{ presence: { not_types: ['m.*'] } }, false], [{}, false], [{ presence: { senders: [] } }, false],
    ];
    for (const [json, none] of cases) {
      const f = parseSyncFilter(json).presence;
      assert.equal(excludesAll(f), none, JSON.stringify(json));
      if (none) for (const ev of evs) assert.equal(eventMatches(f, ev), false, JSON.stringify(json));
    }
    assert.equal(excludesAll(EMPTY_SYNC_FILTER.presence), false);
  });

  it('parses what matrix-js-sdk uploads', () => {
    const f = parseSyncFilter({ room: { timeline: { limit: 10, unread_thread_notifications: true } } });
    assert.equal(f.room.timeline.limit, 10);
    assert.equal(f.room.includeLeave, false);
    assert.equal(f.room.state.limit, undefined);
  });

  it('defaults to no restriction', () => {
    assert.equal(EMPTY_SYNC_FILTER.room.timeline.limit, undefined);
    assert.ok(eventMatches(EMPTY_SYNC_FILTER.room.timeline, { type: 'anything', sender: '@a:x' }));
    assert.ok(roomMatches(EMPTY_SYNC_FILTER.room, '!r:x'));
  });

  it('clamps limits and refuses wrong types', () => {
    assert.equal(parseSyncFilter({ room: { timeline: { limit: 0 } } }).room.timeline.limit, 1);
    assert.equal(parseSyncFilter({ room: { timeline: { limit: 1e6 } } }).room.timeline.limit, MAX_FILTER_LIMIT);
    assert.throws(() => parseSyncFilter({ room: { timeline: { limit: 1.5 } } }), isBadJson);
    assert.throws(() => parseSyncFilter({ room: { timeline: { types: 'm.room.message' } } }), isBadJson);
    assert.throws(() => parseSyncFilter({ room: { include_leave: 'yes' } }), isBadJson);
    assert.throws(() => parseSyncFilter([]), isBadJson);
    assert.throws(() => parseRoomEventFilter('x'), isBadJson);
  });

  it('matches types with * wildcards, not_types first', () => {
    assert.ok(globMatches('m.room.*', 'm.room.message'));
    assert.ok(!globMatches('m.room.*', 'm.reaction'));
    assert.ok(globMatches('m.room.message', 'm.room.message'));
    assert.ok(!globMatches('m.room.messag', 'm.room.message'));
    assert.ok(!globMatches('m.room.mess?ge', 'm.room.message'), 'only * is special');
    const f = parseRoomEventFilter({ types: ['m.room.*'], not_types: ['m.room.member'], not_senders: ['@spam:x'] });
    assert.ok(eventMatches(f, { type: 'm.room.message', sender: '@a:x' }));
    assert.ok(!eventMatches(f, { type: 'm.room.member', sender: '@a:x' }));
    assert.ok(!eventMatches(f, { type: 'm.reaction', sender: '@a:x' }));
    assert.ok(!eventMatches(f, { type: 'm.room.message', sender: '@spam:x' }));
  });

  it('reads the lazy-loading flags', () => {
    const f = parseSyncFilter({ room: { state: { lazy_load_members: true, include_redundant_members: true } } });
    assert.equal(f.room.state.lazyLoadMembers, true);
    assert.equal(f.room.state.includeRedundantMembers, true);
    assert.equal(f.room.timeline.lazyLoadMembers, false);
    assert.throws(() => parseRoomEventFilter({ lazy_load_members: 'yes' }), isBadJson);
  });

  it('filters rooms', () => {
    const f = parseSyncFilter({ room: { rooms: ['!a:x', '!b:x'], not_rooms: ['!b:x'], include_leave: true } });
    assert.ok(roomMatches(f.room, '!a:x'));
    assert.ok(!roomMatches(f.room, '!b:x'));
    assert.ok(!roomMatches(f.room, '!c:x'));
    assert.equal(f.room.includeLeave, true);
  });
});
