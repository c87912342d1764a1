import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { openSqliteStorage } from '../../../storage/sqlite/index.js';
import { FastTokens, fastSettings } from './tokens.js';

const MECH = 'HT-SHA-256-NONE';
const proof = (token: string) => createHmac('sha256', token).update('Initiator').digest();
const responder = (token: string) => createHmac('sha256', token).update('Responder').digest();

function setup() {
  const storage = openSqliteStorage({ path: ':memory:', onFatal: () => {} });
  let now = 1_000_000;
  const tokens = new FastTokens(storage.fastTokens, () => now);
  return { storage, tokens, advance: (s: number) => { now += s * 1000; } };
}

test('an issued token checks out with the right proof, mechanism and client only; the server proves it knows it', () => {
  const { tokens } = setup();
  const { token, expiry } = tokens.issue('alice', 'ua1', MECH);
  assert.equal(expiry.getTime(), 1_000_000 + fastSettings.lifetimeSeconds * 1000);
  const ok = tokens.check('alice', 'ua1', MECH, proof(token), null);
  assert.ok('slot' in ok && ok.slot === 'new');
  assert.deepEqual(ok.serverProof, responder(token));
  assert.deepEqual(tokens.check('alice', 'ua1', MECH, proof('wrong'), null), { condition: 'not-authorized', text: 'unknown token' });
  assert.equal((tokens.check('alice', 'ua2', MECH, proof(token), null) as { condition: string }).condition, 'not-authorized');
  assert.equal((tokens.check('bob', 'ua1', MECH, proof(token), null) as { condition: string }).condition, 'not-authorized');
  assert.match((tokens.check('alice', 'ua1', 'HT-SHA-256-ENDP', proof(token), null) as { text: string }).text, /for HT-SHA-256-NONE/);
});

test('the token itself is not stored, only hashes of the proofs', () => {
  const { storage, tokens } = setup();
  const { token } = tokens.issue('alice', 'ua1', MECH);
  const [rec] = storage.fastTokens.tokens('alice', 'ua1');
  assert.ok(!rec!.proofHash.equals(proof(token)) && !rec!.proofHash.toString('latin1').includes(token));
});

test('rotation: the old token works until the new one is used, then it is gone', () => {
  const { tokens } = setup();
  const first = tokens.issue('alice', 'ua1', MECH).token;
  tokens.used('alice', 'ua1', tokens.check('alice', 'ua1', MECH, proof(first), null) as never, null);
  const second = tokens.issue('alice', 'ua1', MECH).token;
  assert.ok('slot' in tokens.check('alice', 'ua1', MECH, proof(first), null), 'still valid: the client may not have got the new one');
  const acc = tokens.check('alice', 'ua1', MECH, proof(second), null);
  assert.ok('slot' in acc);
  tokens.used('alice', 'ua1', acc, null);
  assert.equal((tokens.check('alice', 'ua1', MECH, proof(first), null) as { condition: string }).condition, 'not-authorized');
  assert.ok('slot' in tokens.check('alice', 'ua1', MECH, proof(second), null));
});

test('expiry gives credentials-expired; rotation is due near the end', () => {
  const { tokens, advance } = setup();
  const { token } = tokens.issue('alice', 'ua1', MECH);
  const fresh = tokens.check('alice', 'ua1', MECH, proof(token), null);
  assert.ok('slot' in fresh && !tokens.dueForRotation(fresh));
  advance(fastSettings.lifetimeSeconds - fastSettings.rotateWithinSeconds + 1);
  const late = tokens.check('alice', 'ua1', MECH, proof(token), null);
  assert.ok('slot' in late && tokens.dueForRotation(late));
  advance(fastSettings.rotateWithinSeconds);
  assert.equal((tokens.check('alice', 'ua1', MECH, proof(token), null) as { condition: string }).condition, 'credentials-expired');
});

test('replay counter: each count must exceed the last one accepted', () => {
  const { tokens } = setup();
  const { token } = tokens.issue('alice', 'ua1', MECH);
  const a = tokens.check('alice', 'ua1', MECH, proof(token), 5);
  assert.ok('slot' in a);
  tokens.used('alice', 'ua1', a, 5);
  assert.equal((tokens.check('alice', 'ua1', MECH, proof(token), 5) as { text: string }).text, 'replayed count');
  assert.equal((tokens.check('alice', 'ua1', MECH, proof(token), 4) as { text: string }).text, 'replayed count');
  assert.ok('slot' in tokens.check('alice', 'ua1', MECH, proof(token), 6));
  assert.ok('slot' in tokens.check('alice', 'ua1', MECH, proof(token), null), 'no count: not a 0-RTT request');
});

test('invalidate: the token just used is dead', () => {
  const { tokens } = setup();
  const { token } = tokens.issue('alice', 'ua1', MECH);
  tokens.used('alice', 'ua1', tokens.check('alice', 'ua1', MECH, proof(token), null) as never, null);
  tokens.invalidate('alice', 'ua1');
  assert.equal((tokens.check('alice', 'ua1', MECH, proof(token), null) as { condition: string }).condition, 'not-authorized');
});

test('channel binding: an EXPR token proves itself only with the same connection\'s binding data', () => {
  const { storage, tokens } = setup();
  const EXPR = 'HT-SHA-256-EXPR';
  const { token } = tokens.issue('alice', 'ua1', EXPR);
  const cbA = Buffer.alloc(32, 1);
  const cbB = Buffer.alloc(32, 2);
  const bound = (label: string, cb: Buffer) => createHmac('sha256', token).update(label).update(cb).digest();
  const ok = tokens.check('alice', 'ua1', EXPR, bound('Initiator', cbA), null, cbA);
  assert.ok('slot' in ok, JSON.stringify(ok));
  assert.deepEqual(ok.serverProof, bound('Responder', cbA), 'the server\'s proof is bound to the connection too');
  // A proof made on one connection and relayed on another (a man in the middle) fails.
  assert.deepEqual(tokens.check('alice', 'ua1', EXPR, bound('Initiator', cbA), null, cbB), { condition: 'not-authorized', text: 'unknown token' });
  // The unbound proof of the same token names the mechanism it belongs to.
  assert.match((tokens.check('alice', 'ua1', MECH, proof(token), null) as { text: string }).text, /for HT-SHA-256-EXPR/);
  assert.equal(storage.fastTokens.tokens('alice', 'ua1')[0]!.secret?.toString(), token, 'kept: its proofs differ per connection');
  tokens.issue('bob', 'ua1', MECH);
  assert.equal(storage.fastTokens.tokens('bob', 'ua1')[0]!.secret, null, 'a -NONE token is still kept as hashes only');
});
