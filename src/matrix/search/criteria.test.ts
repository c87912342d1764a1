import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBatch, encodeBatch, groupResults, highlights, keyOf, parseCriteria } from './criteria.js';
import { MatrixError } from '../errors.js';

const code = (errcode: string) => (e: MatrixError) => e.status === 400 && e.errcode === errcode;

describe('search criteria', () => {
  it('takes the spec defaults', () => {
    const c = parseCriteria({ search_term: 'martians' });
    assert.deepEqual([...c.keys].sort(), ['content.body', 'content.name', 'content.topic']);
    assert.equal(c.orderBy, 'rank');
    assert.equal(c.context, null);
    assert.equal(c.includeState, false);
    assert.deepEqual(c.groupBy, []);
    const d = parseCriteria({ search_term: 'x', event_context: {} });
    assert.deepEqual(d.context, { before: 5, after: 5, profiles: false });
  });

  it('refuses what the spec does not allow', () => {
    assert.throws(() => parseCriteria({}), code('M_MISSING_PARAM'));
    assert.throws(() => parseCriteria({ search_term: 'x', keys: ['content.msgtype'] }), code('M_INVALID_PARAM'));
    assert.throws(() => parseCriteria({ search_term: 'x', order_by: 'size' }), code('M_INVALID_PARAM'));
    assert.throws(() => parseCriteria({ search_term: 'x', groupings: { group_by: [{ key: 'type' }] } }), code('M_INVALID_PARAM'));
    assert.throws(() => parseCriteria({ search_term: 'x', event_context: { before_limit: -1 } }), code('M_BAD_JSON'));
    assert.throws(() => parseCriteria({ search_term: 'x', include_state: 'yes' }), code('M_BAD_JSON'));
    assert.throws(() => parseCriteria({ search_term: 'x', filter: { rooms: [1] } }), code('M_BAD_JSON'));
  });

  it('knows which key an event was found by', () => {
    assert.equal(keyOf({ type: 'm.room.message' }), 'content.body');
    assert.equal(keyOf({ type: 'm.room.name', state_key: '' }), 'content.name');
    assert.equal(keyOf({ type: 'm.room.topic', state_key: '' }), 'content.topic');
    assert.equal(keyOf({ type: 'm.room.member', state_key: '@a:x' }), null);
  });

  it('round-trips batch tokens and refuses forged ones', () => {
    assert.deepEqual(decodeBatch(encodeBatch({ offset: 20, room: '!r:x' })), { offset: 20, room: '!r:x' });
    assert.deepEqual(decodeBatch(null), { offset: 0 });
    for (const t of ['zz', encodeBatch({ offset: -1 }), Buffer.from('{"offset":"1"}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      assert.throws(() => decodeBatch(t), code('M_INVALID_PARAM'), t);
    }
  });

  it('groups a page by room and sender, with a next_batch per group that has more', () => {
    const hits = [
      { eventId: '$1', roomId: '!a', sender: '@x' }, { eventId: '$2', roomId: '!b', sender: '@x' },
      { eventId: '$3', roomId: '!a', sender: '@y' }, { eventId: '$4', roomId: '!a', sender: '@x' },
    ];
    const g = groupResults(hits, 2, ['room_id', 'sender'], { offset: 0 }) as any;
    assert.deepEqual(g.room_id['!a'].results, ['$1']);
    assert.equal(g.room_id['!a'].order, 1);
    assert.deepEqual(decodeBatch(g.room_id['!a'].next_batch), { offset: 1, room: '!a' });
    assert.deepEqual(g.room_id['!b'], { order: 2, results: ['$2'] }, 'nothing more in !b');
    assert.deepEqual(g.sender['@x'].results, ['$1', '$2']);
    assert.deepEqual(decodeBatch(g.sender['@x'].next_batch), { offset: 2, sender: '@x' });
  });

  it('highlights the words as the texts write them', () => {
    assert.deepEqual(highlights('martians men', ['Martians and MEN', 'no']).sort(), ['MEN', 'Martians', 'martians', 'men']);
    assert.deepEqual(highlights('cafe', ['un Café']).sort(), ['Café', 'cafe']);
  });
});
