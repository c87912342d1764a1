import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ROOM_VERSION, ROOM_VERSIONS, STABLE_ROOM_VERSIONS, getRoomVersion, roomVersionsCapability } from './room-versions.js';

test('versions 1 to 12 are known and stable; 11 is the default', () => {
  assert.deepEqual(STABLE_ROOM_VERSIONS, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
  assert.equal(DEFAULT_ROOM_VERSION, '11');
  assert.equal(getRoomVersion('13'), undefined);
  assert.equal(getRoomVersion('toString'), undefined);
  assert.deepEqual(roomVersionsCapability().default, '11');
  assert.equal(roomVersionsCapability().available['7'], 'stable');
});

test('each version flips the flags the spec says it does', () => {
  const flag = (name: keyof (typeof ROOM_VERSIONS)[string]) => STABLE_ROOM_VERSIONS.filter((id) => ROOM_VERSIONS[id][name] === true);
  assert.deepEqual(flag('specialCaseAliasesAuth'), ['1', '2', '3', '4', '5']);
  assert.deepEqual(flag('redactionAuthRule'), ['1', '2']);
  assert.deepEqual(flag('enforceKeyValidity'), ['5', '6', '7', '8', '9', '10', '11', '12']);
  assert.deepEqual(flag('strictCanonicalJson'), ['6', '7', '8', '9', '10', '11', '12']);
  assert.deepEqual(flag('knockAllowed'), ['7', '8', '9', '10', '11', '12']);
  assert.deepEqual(flag('restrictedJoin'), ['8', '9', '10', '11', '12']);
  assert.deepEqual(flag('knockRestricted'), ['10', '11', '12']);
  assert.deepEqual(flag('integerPowerLevels'), ['10', '11', '12']);
  assert.deepEqual(flag('implicitRoomCreator'), ['11', '12']);
  assert.deepEqual(flag('roomIdFromCreateEvent'), ['12']);
  assert.deepEqual(flag('privilegedCreators'), ['12']);
  assert.equal(ROOM_VERSIONS['12'].stateRes, 'v2.1');
  assert.deepEqual(ROOM_VERSIONS['12'].redaction, ROOM_VERSIONS['11'].redaction);
  assert.equal(ROOM_VERSIONS['1'].stateRes, 'v1');
  assert.equal(ROOM_VERSIONS['2'].stateRes, 'v2');
  assert.equal(ROOM_VERSIONS['3'].eventIdFormat, 'v3');
  assert.equal(ROOM_VERSIONS['4'].eventIdFormat, 'v4');
  assert.equal(ROOM_VERSIONS['11'].redaction.keepOriginMembershipPrevState, false);
  assert.equal(ROOM_VERSIONS['10'].redaction.keepOriginMembershipPrevState, true);
});

test('rules are frozen', () => {
  assert.throws(() => {
    (ROOM_VERSIONS['11'] as { knockAllowed: boolean }).knockAllowed = false;
  });
});
