import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OccupantIds } from './occupant-id.js';

function memoryKv() {
  const m = new Map<string, string>();
  return { get: (ns: string, k: string) => m.get(`${ns}/${k}`) ?? null, put: (ns: string, k: string, v: string) => void m.set(`${ns}/${k}`, v) };
}

test('occupant ids: stable per room and user, different across rooms and users, not the JID, kept across restarts', () => {
  const kv = memoryKv();
  const ids = new OccupantIds(kv);
  const a = ids.of('!r1:d', '@alice:d');
  assert.equal(ids.of('!r1:d', '@alice:d'), a);
  assert.notEqual(ids.of('!r2:d', '@alice:d'), a);
  assert.notEqual(ids.of('!r1:d', '@bob:d'), a);
  assert.ok(!a.includes('alice') && a.length <= 128);
  assert.equal(new OccupantIds(kv).of('!r1:d', '@alice:d'), a, 'the key is kept');
  assert.notEqual(new OccupantIds(memoryKv()).of('!r1:d', '@alice:d'), a, 'another server, another key');
});
