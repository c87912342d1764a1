import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getRoomVersion } from '../events/room-versions.js';
import { stateTuple, type JsonObject, type Pdu, type StateTuple } from '../events/types.js';
import { actionLevel, notificationLevel, parseLevel, roomCreator, sendLevel, userLevel } from './power-levels.js';

const v = (id: string) => getRoomVersion(id)!;
const ALICE = '@alice:h.test';

function pdu(type: string, sender: string, content: JsonObject): Pdu {
  return { type, sender, content, state_key: '', room_id: '!r:h.test', auth_events: [], prev_events: [], depth: 1, hashes: { sha256: '' }, origin_server_ts: 0, signatures: {} };
}

function stateOf(...events: Pdu[]): Map<StateTuple, Pdu> {
  return new Map(events.map((e) => [stateTuple(e.type, e.state_key ?? ''), e]));
}

test('parseLevel: integers everywhere, strings before v10, floats before v6', () => {
  assert.equal(parseLevel(50, v('11')), 50);
  assert.equal(parseLevel(-5, v('11')), -5);
  assert.equal(parseLevel('50', v('11')), undefined);
  assert.equal(parseLevel(' +050 ', v('9')), 50);
  assert.equal(parseLevel('-10', v('1')), -10);
  assert.equal(parseLevel('5.5', v('9')), undefined);
  assert.equal(parseLevel('', v('9')), undefined);
  assert.equal(parseLevel(50.57, v('5')), 50);
  assert.equal(parseLevel(-1.5, v('5')), -1);
  assert.equal(parseLevel(50.57, v('6')), undefined);
  assert.equal(parseLevel(null, v('1')), undefined);
  assert.equal(parseLevel(true, v('1')), undefined);
});

test('defaults without a power levels event: creator 100, others 0, state 50, events 0', () => {
  const v11State = stateOf(pdu('m.room.create', ALICE, { room_version: '11' }));
  assert.equal(userLevel(v11State, ALICE, v('11')), 100);
  assert.equal(userLevel(v11State, '@bob:h.test', v('11')), 0);
  assert.equal(sendLevel(v11State, 'm.room.topic', '', v('11')), 50);
  assert.equal(sendLevel(v11State, 'm.room.message', undefined, v('11')), 0);
  assert.equal(actionLevel(v11State, 'ban', v('11')), 50);
  assert.equal(actionLevel(v11State, 'kick', v('11')), 50);
  assert.equal(actionLevel(v11State, 'redact', v('11')), 50);
  assert.equal(actionLevel(v11State, 'invite', v('11')), 0);
  assert.equal(notificationLevel(v11State, 'room', v('11')), 50);
});

test('the creator is the sender from v11, content.creator before', () => {
  const create = pdu('m.room.create', ALICE, { creator: '@other:h.test' });
  assert.equal(roomCreator(create, v('11')), ALICE);
  assert.equal(roomCreator(create, v('10')), '@other:h.test');
  assert.equal(userLevel(stateOf(create), ALICE, v('10')), 0);
});

test('levels come from the power levels event, with per-key defaults', () => {
  const state = stateOf(
    pdu('m.room.create', ALICE, {}),
    pdu('m.room.power_levels', ALICE, { users: { '@bob:h.test': 20 }, users_default: 5, events: { 'm.room.name': 30 }, kick: 10, notifications: { room: 20 } }),
  );
  assert.equal(userLevel(state, '@bob:h.test', v('11')), 20);
  assert.equal(userLevel(state, ALICE, v('11')), 5, 'a power levels event removes the implicit creator level');
  assert.equal(sendLevel(state, 'm.room.name', '', v('11')), 30);
  assert.equal(sendLevel(state, 'm.room.topic', '', v('11')), 50);
  assert.equal(actionLevel(state, 'kick', v('11')), 10);
  assert.equal(actionLevel(state, 'ban', v('11')), 50);
  assert.equal(notificationLevel(state, 'room', v('11')), 20);
});

test('an unusable stored level falls back to the default', () => {
  const state = stateOf(pdu('m.room.power_levels', ALICE, { users: { [ALICE]: 'lots' }, users_default: 3, ban: 'x' }));
  assert.equal(userLevel(state, ALICE, v('9')), 3);
  assert.equal(actionLevel(state, 'ban', v('9')), 50);
});

test('inherited object properties are not levels', () => {
  const state = stateOf(pdu('m.room.power_levels', ALICE, { events: {} }));
  assert.equal(sendLevel(state, 'constructor', undefined, v('11')), 0);
  assert.equal(userLevel(state, 'toString', v('11')), 0);
});
