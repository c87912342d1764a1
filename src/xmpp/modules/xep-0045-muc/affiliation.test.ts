import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affiliationFor, eventLevel, roleFor, standing } from './affiliation.js';

const pl = { users: { '@owner:d': 100, '@mod:d': 50, '@str:d': 75 }, users_default: 0, events: { 'm.room.topic': 50 }, events_default: 0, state_default: 50 };

test('affiliation and role from power levels', () => {
  assert.deepEqual(standing(100, 0), { affiliation: 'owner', role: 'moderator' });
  assert.deepEqual(standing(Infinity, 0), { affiliation: 'owner', role: 'moderator' }, 'a v12 creator');
  assert.deepEqual(standing(50, 0), { affiliation: 'admin', role: 'moderator' });
  assert.deepEqual(standing(75, 0), { affiliation: 'admin', role: 'moderator' });
  assert.deepEqual(standing(0, 0), { affiliation: 'member', role: 'participant' });
});

test('without voice a member is a visitor', () => {
  assert.deepEqual(standing(0, eventLevel({ ...pl, events_default: 10 }, 'm.room.message', false)), { affiliation: 'member', role: 'visitor' });
  assert.equal(roleFor(10, 10), 'participant');
  assert.equal(roleFor(9, 10), 'visitor');
});

test('no power levels: the Matrix defaults', () => {
  assert.equal(eventLevel(null, 'm.room.topic', true), 50);
  assert.equal(eventLevel(null, 'm.room.message', false), 0);
});

test('string levels of old room versions and odd values', () => {
  assert.equal(eventLevel({ events: { 'm.room.topic': '60' } }, 'm.room.topic', true), 60);
  assert.equal(eventLevel(pl, 'm.room.topic', true), 50);
  assert.equal(eventLevel(pl, 'm.room.name', true), 50);
  assert.equal(affiliationFor(101), 'owner');
  assert.equal(affiliationFor(49), 'member');
});
