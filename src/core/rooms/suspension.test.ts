import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, Pdu } from '../events/types.js';
import { allowedWhileSuspended } from './suspension.js';

const ev = (type: string, content: JsonObject, stateKey?: string): Pdu =>
  ({ type, sender: '@s:h', content, ...(stateKey === undefined ? {} : { state_key: stateKey }) }) as unknown as Pdu;

test('a suspended account may leave, reject and redact its own events, nothing else', () => {
  assert.equal(allowedWhileSuspended(ev('m.room.member', { membership: 'leave' }, '@s:h'), undefined), true);
  assert.equal(allowedWhileSuspended(ev('m.room.member', { membership: 'leave' }, '@other:h'), undefined), false, 'kick');
  assert.equal(allowedWhileSuspended(ev('m.room.member', { membership: 'join' }, '@s:h'), undefined), false);
  assert.equal(allowedWhileSuspended(ev('m.room.member', { membership: 'knock' }, '@s:h'), undefined), false);
  assert.equal(allowedWhileSuspended(ev('m.room.member', { membership: 'invite' }, '@other:h'), undefined), false);
  assert.equal(allowedWhileSuspended(ev('m.room.member', { membership: 'ban' }, '@other:h'), undefined), false);
  assert.equal(allowedWhileSuspended(ev('m.room.redaction', { redacts: '$a' }), '@s:h'), true);
  assert.equal(allowedWhileSuspended(ev('m.room.redaction', { redacts: '$a' }), '@other:h'), false);
  assert.equal(allowedWhileSuspended(ev('m.room.redaction', { redacts: '$a' }), undefined), false, 'unknown target');
  assert.equal(allowedWhileSuspended(ev('m.room.message', { body: 'x' }), undefined), false);
  assert.equal(allowedWhileSuspended(ev('m.room.name', { name: 'x' }, ''), undefined), false);
  assert.equal(allowedWhileSuspended(ev('m.room.create', {}, ''), undefined), false);
});
