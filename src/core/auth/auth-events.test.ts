import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvent } from '../events/build.js';
import { getRoomVersion } from '../events/room-versions.js';
import { splitStateTuple, stateTuple, type JsonObject, type Pdu, type StateTuple } from '../events/types.js';
import { authEventTypesFor, checkAuthEvents, selectAuthEvents } from './auth-events.js';

const v11 = getRoomVersion('11')!;
const v7 = getRoomVersion('7')!;
const ALICE = '@alice:h.test';
const BOB = '@bob:h.test';

const names = (tuples: StateTuple[]) => tuples.map((t) => splitStateTuple(t).join('|'));

test('create events cite nothing', () => {
  assert.deepEqual(authEventTypesFor('m.room.create', '', ALICE, {}, v11), []);
});

test('ordinary events cite create, power levels and the sender', () => {
  assert.deepEqual(names(authEventTypesFor('m.room.message', undefined, ALICE, { body: 'x' }, v11)), [
    'm.room.create|',
    'm.room.power_levels|',
    `m.room.member|${ALICE}`,
  ]);
});

test('membership events add the target and, for join/invite/knock, the join rules', () => {
  const invite = names(authEventTypesFor('m.room.member', BOB, ALICE, { membership: 'invite' }, v11));
  assert.deepEqual(invite.slice(3), [`m.room.member|${BOB}`, 'm.room.join_rules|']);
  const ownJoin = names(authEventTypesFor('m.room.member', ALICE, ALICE, { membership: 'join' }, v11));
  assert.deepEqual(ownJoin.slice(3), ['m.room.join_rules|']);
  const kick = names(authEventTypesFor('m.room.member', BOB, ALICE, { membership: 'leave' }, v11));
  assert.deepEqual(kick.slice(3), [`m.room.member|${BOB}`]);
});

test('third party invites add the invite event of the token', () => {
  const content = { membership: 'invite', third_party_invite: { signed: { token: 'tok', mxid: BOB } } };
  assert.ok(names(authEventTypesFor('m.room.member', BOB, ALICE, content, v11)).includes('m.room.third_party_invite|tok'));
});

test('restricted joins add the authorising user, only where restricted rooms exist', () => {
  const content = { membership: 'join', join_authorised_via_users_server: '@mod:h.test' };
  assert.ok(names(authEventTypesFor('m.room.member', BOB, BOB, content, v11)).includes('m.room.member|@mod:h.test'));
  assert.ok(!names(authEventTypesFor('m.room.member', BOB, BOB, content, v7)).includes('m.room.member|@mod:h.test'));
});

function stateEvent(type: string, stateKey: string, content: JsonObject, roomId = '!r:h.test'): { id: string; pdu: Pdu } {
  const { eventId, pdu } = buildEvent(
    { type, roomId, sender: ALICE, content, stateKey, prevEvents: [], authEvents: [], depth: 1, originServerTs: 1 },
    v11,
  );
  return { id: eventId, pdu };
}

const create = stateEvent('m.room.create', '', { room_version: '11' });
const pl = stateEvent('m.room.power_levels', '', { users: { [ALICE]: 100 } });
const aliceJoin = stateEvent('m.room.member', ALICE, { membership: 'join' });
const topic = stateEvent('m.room.topic', '', { topic: 't' });

test('selectAuthEvents picks the ids from an id map or a PDU map', () => {
  const ids = new Map<StateTuple, string>([
    [stateTuple('m.room.create', ''), create.id],
    [stateTuple('m.room.power_levels', ''), pl.id],
    [stateTuple('m.room.member', ALICE), aliceJoin.id],
    [stateTuple('m.room.topic', ''), topic.id],
  ]);
  const shape = { type: 'm.room.message', sender: ALICE, content: {} };
  assert.deepEqual(selectAuthEvents(ids, shape, v11), [create.id, pl.id, aliceJoin.id]);
  const pdus = new Map<StateTuple, Pdu>([
    [stateTuple('m.room.create', ''), create.pdu],
    [stateTuple('m.room.member', ALICE), aliceJoin.pdu],
  ]);
  assert.deepEqual(selectAuthEvents(pdus, shape, v11), [create.id, aliceJoin.id]);
});

const message = { ...aliceJoin.pdu, type: 'm.room.message', state_key: undefined, content: { body: 'x' } } as Pdu;

test('checkAuthEvents accepts the selected events', () => {
  assert.deepEqual(checkAuthEvents(message, [create.pdu, pl.pdu, aliceJoin.pdu], v11), { allowed: true });
});

test('checkAuthEvents rejects duplicates, extras, a missing create and other rooms', () => {
  const cases: [Pdu[], RegExp][] = [
    [[create.pdu, aliceJoin.pdu, aliceJoin.pdu], /duplicate/],
    [[create.pdu, topic.pdu], /not one the event needs/],
    [[aliceJoin.pdu], /no m.room.create/],
    [[create.pdu, stateEvent('m.room.member', ALICE, { membership: 'join' }, '!other:h.test').pdu], /another room/],
    [[create.pdu, message], /not a state event/],
  ];
  for (const [events, reason] of cases) {
    const verdict = checkAuthEvents(message, events, v11);
    assert.equal(verdict.allowed, false);
    if (!verdict.allowed) assert.match(verdict.reason, reason);
  }
  assert.equal(checkAuthEvents(create.pdu, [pl.pdu], v11).allowed, false);
  assert.equal(checkAuthEvents(create.pdu, [], v11).allowed, true);
});

test('v12: the create event is never cited, and not missed', () => {
  const v12 = getRoomVersion('12')!;
  assert.deepEqual(names(authEventTypesFor('m.room.message', undefined, ALICE, { body: 'x' }, v12)), ['m.room.power_levels|', `m.room.member|${ALICE}`]);
  assert.deepEqual(checkAuthEvents(message, [pl.pdu, aliceJoin.pdu], v12), { allowed: true });
  const cited = checkAuthEvents(message, [create.pdu, aliceJoin.pdu], v12);
  assert.equal(cited.allowed, false);
  if (!cited.allowed) assert.match(cited.reason, /not one the event needs/);
});
