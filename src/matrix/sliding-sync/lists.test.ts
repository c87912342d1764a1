import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listWindow, matchesFilters, sortByActivity, type RoomFacts } from './lists.js';

function room(roomId: string, activity: number, extra: Partial<Omit<RoomFacts, 'tags' | 'name'>> & { tags?: string[]; title?: string } = {}): RoomFacts {
  const { tags: t, title, ...rest } = extra;
  const tags = new Set(t ?? []);
  return { roomId, activity, membership: 'join', isDm: false, isEncrypted: false, roomType: null, ...rest, tags: () => tags, name: () => title ?? '' };
}

describe('sliding sync lists', () => {
  const rooms = sortByActivity([room('!a', 5), room('!b', 9), room('!c', 1), room('!d', 7, { membership: 'invite' })]);

  it('sorts by latest activity, newest first, ties by room id', () => {
    assert.deepEqual(rooms.map((r) => r.roomId), ['!b', '!d', '!a', '!c']);
    assert.deepEqual(sortByActivity([room('!y', 3), room('!x', 3)]).map((r) => r.roomId), ['!x', '!y']);
  });

  it('cuts inclusive ranges and counts the whole filtered list', () => {
    assert.deepEqual(listWindow(rooms, { ranges: [[0, 1]], filters: {} }, null), { count: 4, roomIds: ['!b', '!d'] });
    assert.deepEqual(listWindow(rooms, { ranges: [[1, 1], [3, 10]], filters: {} }, null), { count: 4, roomIds: ['!d', '!c'] });
    assert.deepEqual(listWindow(rooms, { ranges: [[0, 2], [1, 3]], filters: {} }, null).roomIds, ['!b', '!d', '!a', '!c']);
    assert.deepEqual(listWindow(rooms, { ranges: [[10, 20]], filters: {} }, null), { count: 4, roomIds: [] });
    assert.deepEqual(listWindow(rooms, { ranges: null, filters: {} }, null).roomIds.length, 4);
  });

  it('ranges index into the filtered list', () => {
    assert.deepEqual(listWindow(rooms, { ranges: [[0, 0]], filters: { isInvite: false } }, null), { count: 3, roomIds: ['!b'] });
    assert.deepEqual(listWindow(rooms, { ranges: [[0, 5]], filters: { isInvite: true } }, null), { count: 1, roomIds: ['!d'] });
  });

  it('filters on DM, encryption, type, space and tags', () => {
    const dm = room('!dm', 1, { isDm: true, isEncrypted: true });
    const space = room('!sp', 1, { roomType: 'm.space', tags: ['m.favourite'] });
    assert.ok(matchesFilters(dm, { isDm: true, isEncrypted: true }, null));
    assert.ok(!matchesFilters(dm, { isDm: false }, null));
    assert.ok(!matchesFilters(dm, { isEncrypted: false }, null));
    assert.ok(matchesFilters(dm, { roomTypes: [null] }, null));
    assert.ok(!matchesFilters(space, { roomTypes: [null] }, null));
    assert.ok(matchesFilters(space, { roomTypes: ['m.space'] }, null));
    assert.ok(!matchesFilters(space, { roomTypes: ['m.space'], notRoomTypes: ['m.space'] }, null));
    assert.ok(!matchesFilters(dm, { notRoomTypes: [null] }, null));
    assert.ok(matchesFilters(dm, {}, new Set(['!dm'])));
    assert.ok(!matchesFilters(space, {}, new Set(['!dm'])));
    assert.ok(matchesFilters(space, { tags: ['m.favourite', 'u.work'] }, null));
    assert.ok(!matchesFilters(dm, { tags: ['m.favourite'] }, null));
    assert.ok(!matchesFilters(space, { tags: ['m.favourite'], notTags: ['m.favourite'] }, null));
  });

  it('room_name_like matches part of the name, ignoring case; an empty term matches all', () => {
    const r = room('!n', 1, { title: 'Book Club Friday' });
    assert.ok(matchesFilters(r, { roomNameLike: 'club' }, null));
    assert.ok(matchesFilters(r, { roomNameLike: 'BOOK C' }, null));
    assert.ok(!matchesFilters(r, { roomNameLike: 'clubs' }, null));
    assert.ok(matchesFilters(room('!e', 1), { roomNameLike: '' }, null));
    assert.ok(!matchesFilters(room('!e', 1), { roomNameLike: 'x' }, null));
  });
});
