// Runs every case of test/fixtures/auth/ (see generate.py there) through authorizeEvent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixtureDir } from '../../../test/fixtures/load.js';
import { getRoomVersion } from '../events/room-versions.js';
import { stateTuple, type Pdu, type StateTuple } from '../events/types.js';
import { authorizeEvent } from './rules.js';

interface AuthFixture {
  description: string;
  room_version: string;
  state: Pdu[];
  event: Pdu;
  allowed: boolean;
  reason?: string;
}

const fixtures = loadFixtureDir<AuthFixture>('auth');

test('there are enough auth fixtures', () => {
  assert.ok(fixtures.length >= 40, `only ${fixtures.length} fixtures`);
});

for (const { file, data } of fixtures) {
  test(`${file}: ${data.description}`, () => {
    const rules = getRoomVersion(data.room_version);
    assert.ok(rules, `unknown room version ${data.room_version}`);
    const state = new Map<StateTuple, Pdu>();
    for (const ev of data.state) state.set(stateTuple(ev.type, ev.state_key ?? ''), ev);
    const verdict = authorizeEvent(data.event, state, rules);
    const why = verdict.allowed ? 'allowed' : verdict.reason;
    assert.equal(verdict.allowed, data.allowed, `expected ${data.allowed ? 'allowed' : 'rejected'}, got: ${why}`);
    if (!verdict.allowed && data.reason) assert.match(verdict.reason, new RegExp(escape(data.reason)), why);
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
