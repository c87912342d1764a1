import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateTuple, type Pdu } from '../events/types.js';
import { joinedMembers, memberLists, type RoomHead } from './head.js';

function member(userId: string, membership: string): Pdu {
  return { type: 'm.room.member', state_key: userId, sender: userId, room_id: '!r', content: { membership } } as unknown as Pdu;
}

function head(): RoomHead {
  return { roomId: '!r', version: '11', latestEventId: '$x', depth: 1, stateGroup: 1, deltaChain: 0, state: new Map(), stateIds: new Map() };
}

function setState(h: RoomHead, pdu: Pdu, group: number): void {
  h.state.set(stateTuple(pdu.type, pdu.state_key!), pdu);
  h.stateGroup = group;
}

test('member lists follow the head: joined, invited and former members, again after each state change', () => {
  const h = head();
  setState(h, { type: 'm.room.create', state_key: '', sender: '@a', room_id: '!r', content: {} } as unknown as Pdu, 1);
  setState(h, member('@a', 'join'), 2);
  setState(h, member('@b', 'invite'), 3);
  setState(h, member('@c', 'leave'), 4);
  setState(h, member('@d', 'ban'), 5);
  assert.deepEqual(memberLists(h), { joined: ['@a'], invited: ['@b'], former: ['@c', '@d'] });
  // @b joins: a new state group, new lists.
  setState(h, member('@b', 'join'), 6);
  assert.deepEqual(memberLists(h), { joined: ['@a', '@b'], invited: [], former: ['@c', '@d'] });
  assert.deepEqual(joinedMembers(h), ['@a', '@b']);
  // joinedMembers hands out a copy: changing it does not change the cached lists.
  joinedMembers(h).push('@z');
  assert.deepEqual(memberLists(h).joined, ['@a', '@b']);
  // Two heads of different rooms do not share lists.
  const other = head();
  setState(other, member('@x', 'join'), 6);
  assert.deepEqual(memberLists(other).joined, ['@x']);
  assert.deepEqual(memberLists(h).joined, ['@a', '@b']);
});
