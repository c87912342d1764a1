import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MatrixError } from '../errors.js';
import { MAX_SUBSCRIPTIONS, MAX_TIMELINE_LIMIT, parseSlidingRequest } from './request.js';

const q = (s = '') => new URLSearchParams(s);
const parse = (body: unknown, query = '') => parseSlidingRequest(body, q(query), 30000);
const code = (errcode: string) => (e: unknown) => e instanceof MatrixError && e.status === 400 && e.errcode === errcode;

describe('sliding sync request', () => {
  it('reads what matrix-js-sdk sends', () => {
    const r = parse({
      lists: { room_list: { ranges: [[0, 19]], timeline_limit: 1, required_state: [['m.room.name', ''], ['m.room.member', '$LAZY']], filters: { is_dm: true, is_invite: false } } },
      room_subscriptions: { '!a:x': { timeline_limit: 20, required_state: [['*', '*']] } },
      unsubscribe_rooms: ['!b:x'],
      extensions: { to_device: { enabled: true, since: '12', limit: 100 }, e2ee: { enabled: true }, receipts: { enabled: true, lists: ['room_list'] } },
    }, 'pos=7_ab&timeout=30000');
    assert.equal(r.pos, '7_ab');
    assert.equal(r.timeout, 30000);
    assert.equal(r.connId, '');
    const l = r.lists.get('room_list')!;
    assert.deepEqual(l.ranges, [[0, 19]]);
    assert.equal(l.timelineLimit, 1);
    assert.equal(l.requiredState.lazyMembers, true);
    assert.deepEqual(l.requiredState.include, [['m.room.name', '']]);
    assert.deepEqual(l.filters, { isDm: true, isInvite: false });
    assert.equal(r.roomSubscriptions.get('!a:x')!.timelineLimit, 20);
    assert.deepEqual(r.unsubscribeRooms, ['!b:x']);
    assert.deepEqual(r.extensions.to_device, { enabled: true, since: '12', limit: 100 });
    assert.deepEqual(r.extensions.receipts, { enabled: true, lists: ['room_list'] });
  });

  it("reads the MSC's later spellings: range, object required_state, is_invited, pos in the body", () => {
    const r = parse({
      pos: 'p', timeout: 5, conn_id: 'main',
      lists: { a: { range: [2, 4], timeline_limit: 3, required_state: { include: [{ type: 'm.room.create' }, {}], exclude: [{ state_key: 'x' }], lazy_members: true }, filters: { is_invited: true } } },
    });
    const l = r.lists.get('a')!;
    assert.equal(r.pos, 'p');
    assert.equal(r.timeout, 5);
    assert.equal(r.connId, 'main');
    assert.deepEqual(l.ranges, [[2, 4]]);
    assert.deepEqual(l.requiredState, { include: [['m.room.create', '*'], ['*', '*']], exclude: [['*', 'x']], lazyMembers: true });
    assert.equal(l.filters.isInvite, true);
  });

  it('caps the timeout and the timeline limit, and ignores keys it does not know', () => {
    const r = parse({ lists: { a: { ranges: [[0, 1]], timeline_limit: 10_000, sort: ['by_recency'], future_field: 1 } }, txn_id: 'x' }, 'timeout=999999');
    assert.equal(r.timeout, 30000);
    assert.equal(r.lists.get('a')!.timelineLimit, MAX_TIMELINE_LIMIT);
  });

  it('refuses bad ranges', () => {
    assert.throws(() => parse({ lists: { a: { ranges: [[5, 1]] } } }), code('M_INVALID_PARAM'));
    assert.throws(() => parse({ lists: { a: { ranges: [[-1, 1]] } } }), code('M_INVALID_PARAM'));
    assert.throws(() => parse({ lists: { a: { ranges: [[0]] } } }), code('M_BAD_JSON'));
    assert.throws(() => parse({ lists: { a: { ranges: [[0, 1.5]] } } }), code('M_BAD_JSON'));
    assert.throws(() => parse({ lists: { a: { ranges: 'all' } } }), code('M_BAD_JSON'));
  });

  it('refuses wrong types with the field named', () => {
    assert.throws(() => parse({ lists: { a: { timeline_limit: '5' } } }), /lists\.a\.timeline_limit/);
    assert.throws(() => parse({ lists: { a: { required_state: [['m.room.name']] } } }), code('M_BAD_JSON'));
    assert.throws(() => parse({ lists: { a: { filters: { is_dm: 'yes' } } } }), code('M_BAD_JSON'));
    assert.throws(() => parse({ lists: { a: { filters: { room_types: [1] } } } }), code('M_BAD_JSON'));
    assert.throws(() => parse({ lists: [] }), code('M_BAD_JSON'));
    assert.throws(() => parse({ room_subscriptions: { '!a:x': 3 } }), code('M_BAD_JSON'));
    assert.throws(() => parse({ extensions: { to_device: { since: 5 } } }), code('M_BAD_JSON'));
    assert.throws(() => parse({ conn_id: 1 }), code('M_BAD_JSON'));
    assert.throws(() => parse([]), code('M_BAD_JSON'));
    assert.throws(() => parse({}, 'timeout=soon'), code('M_INVALID_PARAM'));
  });

  it('refuses list names outside the opaque-identifier grammar and too many lists', () => {
    assert.throws(() => parse({ lists: { 'a b': {} } }), code('M_INVALID_PARAM'));
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`l${i}`, {}]));
    assert.throws(() => parse({ lists: many }), code('M_INVALID_PARAM'));
    const subs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`!r${i}:h`, { timeline_limit: 1 }]));
    assert.equal(parse({ room_subscriptions: subs(MAX_SUBSCRIPTIONS) }).roomSubscriptions.size, 100);
    assert.throws(() => parse({ room_subscriptions: subs(MAX_SUBSCRIPTIONS + 1) }), code('M_INVALID_PARAM'));
  });

  it('reads MSC3575 room_name_like and include_old_rooms, and refuses them with the wrong type', () => {
    const r = parse({
      lists: { a: { ranges: [[0, 1]], filters: { room_name_like: 'club' }, include_old_rooms: { timeline_limit: 0, required_state: [['m.room.tombstone', '']] } } },
      room_subscriptions: { '!r:h': { timeline_limit: 1, include_old_rooms: { timeline_limit: 2 } } },
    });
    assert.equal(r.lists.get('a')!.filters.roomNameLike, 'club');
    assert.deepEqual(r.lists.get('a')!.oldRooms!.requiredState.include, [['m.room.tombstone', '']]);
    assert.equal(r.roomSubscriptions.get('!r:h')!.oldRooms!.timelineLimit, 2);
    assert.throws(() => parse({ lists: { a: { filters: { room_name_like: ['x'] } } } }), code('M_BAD_JSON'));
    assert.throws(() => parse({ lists: { a: { include_old_rooms: 'yes' } } }), code('M_BAD_JSON'));
  });

  it('accepts room_types with null for untyped rooms', () => {
    const r = parse({ lists: { a: { filters: { not_room_types: ['m.space', null] } } } });
    assert.deepEqual(r.lists.get('a')!.filters.notRoomTypes, ['m.space', null]);
    assert.equal(r.lists.get('a')!.ranges, null);
  });
});
