import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildEvent } from './build.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { checkContentHash, eventIdFor } from './hashes.js';
import { getRoomVersion } from './room-versions.js';
import { generateSigningKey, signEvent, verifyEventSignature } from './signing.js';
import { roomIdOfCreateEvent, wireEvent } from './wire.js';
import { parseRoomId } from '../ids.js';

const v12 = getRoomVersion('12')!;
const v11 = getRoomVersion('11')!;
const create = {
  type: 'm.room.create', sender: '@a:hearth.example', content: { room_version: '12' }, stateKey: '',
  prevEvents: [], authEvents: [], depth: 1, originServerTs: 1_700_000_000_000,
};

test('v12: the create event is hashed without room_id and the room id is its event id', () => {
  const { eventId, pdu } = buildEvent(create, v12);
  assert.equal(pdu.room_id, roomIdOfCreateEvent(eventId));
  assert.match(pdu.room_id, /^![A-Za-z0-9_-]{43}$/);
  assert.ok(parseRoomId(pdu.room_id));
  const wire = wireEvent(pdu, v12);
  assert.equal(Object.hasOwn(wire, 'room_id'), false);
  // The reference hash as the spec computes it, by hand: v11 redaction keeps these keys.
  const kept = ['type', 'sender', 'state_key', 'content', 'hashes', 'depth', 'prev_events', 'auth_events', 'origin_server_ts'];
  const redacted = Object.fromEntries(Object.entries(wire).filter(([k]) => kept.includes(k)));
  const hash = createHash('sha256').update(canonicalJsonBytes(redacted as never)).digest('base64url');
  assert.equal(eventId, `$${hash}`);
  assert.equal(eventIdFor(pdu, v12), eventId, 'the in-memory form has the same id');
  assert.ok(checkContentHash(wire, v12));
});

test('v12: signatures cover the wire form, and only the create event loses room_id', () => {
  const { pdu } = buildEvent(create, v12);
  const key = generateSigningKey();
  const signed = wireEvent(signEvent(pdu, 'hearth.example', key, v12), v12);
  assert.equal(Object.hasOwn(signed, 'room_id'), false);
  assert.ok(verifyEventSignature(signed, 'hearth.example', key.keyId, key.publicKeyBase64, v12));
  const msg = buildEvent({ ...create, type: 'm.room.message', roomId: pdu.room_id, content: { body: 'x' }, stateKey: undefined }, v12).pdu;
  assert.equal(wireEvent(msg, v12).room_id, pdu.room_id);
  assert.throws(() => buildEvent({ ...create, type: 'm.room.message', stateKey: undefined }, v12), /needs a room id/);
});

test('v11 create events keep their room_id everywhere', () => {
  const { pdu } = buildEvent({ ...create, roomId: '!r:hearth.example', content: { room_version: '11' } }, v11);
  assert.equal(pdu.room_id, '!r:hearth.example');
  assert.equal(wireEvent(pdu, v11), pdu);
});
