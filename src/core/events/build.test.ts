import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvent, MAX_PDU_BYTES, pduSize } from './build.js';
import { CanonicalJsonError } from './canonical-json.js';
import { checkContentHash, eventIdFor } from './hashes.js';
import { getRoomVersion } from './room-versions.js';
import { generateSigningKey, signEvent, verifyEventSignature } from './signing.js';

const v11 = getRoomVersion('11')!;
const draft = {
  type: 'm.room.message',
  roomId: '!r:hearth.example',
  sender: '@a:hearth.example',
  content: { msgtype: 'm.text', body: 'hi' },
  prevEvents: ['$p'],
  authEvents: ['$c', '$m'],
  depth: 7,
  originServerTs: 1_700_000_000_000,
};

test('builds a hashed v11 PDU whose id is its reference hash', () => {
  const { eventId, pdu } = buildEvent(draft, v11);
  assert.deepEqual(Object.keys(pdu).sort(), ['auth_events', 'content', 'depth', 'hashes', 'origin_server_ts', 'prev_events', 'room_id', 'sender', 'signatures', 'type']);
  assert.deepEqual(pdu.signatures, {});
  assert.ok(checkContentHash(pdu));
  assert.equal(eventId, eventIdFor(pdu, v11));
  assert.match(eventId, /^\$[A-Za-z0-9_-]{43}$/);
});

test('signing later does not change the id', () => {
  const { eventId, pdu } = buildEvent(draft, v11);
  const key = generateSigningKey();
  const signed = signEvent(pdu, 'hearth.example', key, v11);
  assert.equal(eventIdFor(signed, v11), eventId);
  assert.ok(verifyEventSignature(signed, 'hearth.example', key.keyId, key.publicKeyBase64, v11));
});

test('state events carry state_key, even an empty one', () => {
  const { pdu } = buildEvent({ ...draft, type: 'm.room.name', stateKey: '', content: { name: 'n' } }, v11);
  assert.equal(pdu.state_key, '');
});

test('redacts goes into content in v11 and to the top level before', () => {
  const red = { ...draft, type: 'm.room.redaction', content: { reason: 'x' }, redacts: '$t' };
  const a = buildEvent(red, v11).pdu;
  assert.equal(a.content.redacts, '$t');
  assert.equal(a.redacts, undefined);
  const b = buildEvent(red, getRoomVersion('10')!).pdu;
  assert.equal(b.redacts, '$t');
  assert.equal(b.content.redacts, undefined);
});

test('refuses non-canonical content and versions it cannot mint ids for', () => {
  assert.throws(() => buildEvent({ ...draft, content: { n: 1.5 } }, v11), CanonicalJsonError);
  assert.throws(() => buildEvent({ ...draft, content: { n: 2 ** 53 } }, v11), /out of the canonical range at \.content\.n/);
  // Versions hashed leniently still refuse such content in new events.
  assert.throws(() => buildEvent({ ...draft, content: { n: 1.5 } }, getRoomVersion('5')!), CanonicalJsonError);
  assert.throws(() => buildEvent(draft, getRoomVersion('2')!));
});

test('pduSize measures canonical bytes', () => {
  const { pdu } = buildEvent({ ...draft, content: { body: 'x'.repeat(MAX_PDU_BYTES) } }, v11);
  assert.ok(pduSize(pdu) > MAX_PDU_BYTES);
});
