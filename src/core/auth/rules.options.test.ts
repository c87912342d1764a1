// authorizeEvent's hook for the signature check of restricted joins (auth rule 4.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '../../../test/fixtures/load.js';
import { getRoomVersion } from '../events/room-versions.js';
import { stateTuple, type Pdu, type StateTuple } from '../events/types.js';
import { authorizeEvent } from './rules.js';

const fixture = loadFixture<{ state: Pdu[]; event: Pdu }>('auth/020-join-restricted-authorised.json');
const state = new Map<StateTuple, Pdu>(fixture.state.map((e) => [stateTuple(e.type, e.state_key ?? ''), e]));
const v11 = getRoomVersion('11')!;

test('a verifier that says the authorising server did not sign rejects the join', () => {
  const seen: string[] = [];
  const verdict = authorizeEvent(fixture.event, state, v11, { isSignedBy: (server) => (seen.push(server), false) });
  assert.equal(verdict.allowed, false);
  assert.deepEqual(seen, ['hearth.test']);
});

test('a verifier that confirms the signature lets the join through', () => {
  assert.equal(authorizeEvent(fixture.event, state, v11, { isSignedBy: () => true }).allowed, true);
});
