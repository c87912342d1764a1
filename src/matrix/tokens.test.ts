import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatSyncToken, formatToken, parseToken, syncSinceParam, tokenParam } from './tokens.js';
import { MatrixError } from './errors.js';

describe('stream tokens', () => {
  it('round-trips positions', () => {
    for (const n of [0, 1, 42, Number.MAX_SAFE_INTEGER]) assert.equal(parseToken(formatToken(n)), n);
    assert.equal(formatToken(-1), 's0');
  });

  it('refuses what is not a token of ours', () => {
    for (const t of ['', 's', '42', 's-1', 's1.5', 't42', 's42 ', 's99999999999999999', 's0x10']) assert.equal(parseToken(t), null, t);
  });

  it('makes a bad token parameter the client error M_INVALID_PARAM', () => {
    assert.equal(tokenParam(null, 'from'), null);
    assert.equal(tokenParam('', 'from'), null);
    assert.equal(tokenParam('s7', 'from'), 7);
    assert.throws(() => tokenParam('nope', 'from'), (e: MatrixError) => e.status === 400 && e.errcode === 'M_INVALID_PARAM');
  });

  it('carries where held-back to-device messages resume in a sync token', () => {
    assert.equal(formatSyncToken(9, null), 's9');
    assert.equal(formatSyncToken(9, 4), 's9_d4');
    assert.deepEqual(syncSinceParam('s9_d4'), { pos: 9, toDevice: 4 });
    assert.deepEqual(syncSinceParam('s9'), { pos: 9, toDevice: 9 });
    assert.equal(syncSinceParam(null), null);
    assert.equal(parseToken('s9_d4'), 9, 'a position elsewhere (/members at=)');
    for (const t of ['s9_d10', 's9_d', 's9_x4', 's9_d4_d3']) assert.throws(() => syncSinceParam(t), (e: MatrixError) => e.errcode === 'M_INVALID_PARAM', t);
  });
});
