import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pdu } from '../../core/events/types.js';
import { redactsOf, toClientEvent, toStrippedState } from './format.js';

const pdu = (over: Partial<Pdu> = {}): Pdu => ({
  auth_events: ['$a'], content: { body: 'hi', msgtype: 'm.text' }, depth: 5, hashes: { sha256: 'h' },
  origin_server_ts: 1000, prev_events: ['$p'], room_id: '!r:x', sender: '@a:x', type: 'm.room.message',
  signatures: { x: { 'ed25519:k': 'sig' } }, ...over,
});

describe('client event format', () => {
  it('keeps the client fields and drops the federation ones', () => {
    const ev = toClientEvent('$e', pdu(), { now: 1500, includeRoomId: true });
    assert.deepEqual(ev, {
      content: { body: 'hi', msgtype: 'm.text' }, event_id: '$e', origin_server_ts: 1000, room_id: '!r:x',
      sender: '@a:x', type: 'm.room.message', unsigned: { age: 500 },
    });
  });

  it('leaves room_id out for /sync and keeps state_key, even when empty', () => {
    const ev = toClientEvent('$e', pdu({ type: 'm.room.name', state_key: '', content: { name: 'n' } }), { now: 1000, includeRoomId: false });
    assert.equal('room_id' in ev, false);
    assert.equal(ev.state_key, '');
  });

  it('echoes the transaction id and never gives a negative age', () => {
    const ev = toClientEvent('$e', pdu(), { now: 10, includeRoomId: false, transactionId: 't1' });
    assert.deepEqual(ev.unsigned, { age: 0, transaction_id: 't1' });
  });

  it('puts redacts at the top level for every room version', () => {
    const v11 = pdu({ type: 'm.room.redaction', content: { redacts: '$t' } });
    const v10 = pdu({ type: 'm.room.redaction', content: {}, redacts: '$t' });
    assert.equal(redactsOf(v11), '$t');
    assert.equal(toClientEvent('$e', v10, { now: 0, includeRoomId: false }).redacts, '$t');
    assert.equal(redactsOf(pdu()), undefined);
  });

  it('serves a redacted event with its redacted content and the redaction', () => {
    const because = toClientEvent('$r', pdu({ type: 'm.room.redaction', content: { redacts: '$e' } }), { now: 1000, includeRoomId: false });
    const ev = toClientEvent('$e', pdu(), { now: 1000, includeRoomId: false, redaction: { content: {}, because } });
    assert.deepEqual(ev.content, {});
    assert.equal(ev.unsigned.redacted_because?.event_id, '$r');
  });

  it('strips state to type, state_key, sender and content', () => {
    assert.deepEqual(toStrippedState(pdu({ type: 'm.room.name', state_key: '', content: { name: 'n' } })), {
      content: { name: 'n' }, sender: '@a:x', state_key: '', type: 'm.room.name',
    });
  });
});
