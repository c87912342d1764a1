import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affiliationFor, eventLevel, roleFor, standing, userLevel } from './affiliation.js';

const pl = { users: { '@owner:d': 100, '@mod:d': 50, '@str:d': 75 }, users_default: 0, events: { 'm.room.topic': 50 }, events_default: 0, state_default: 50 };

test('affiliation and role from power levels', () => {
  assert.deepEqual(standing(pl, '@owner:d', null), { affiliation: 'owner', role: 'moderator' });
  assert.deepEqual(standing(pl, '@mod:d', null), { affiliation: 'admin', role: 'moderator' });
  assert.deepEqual(standing(pl, '@str:d', null), { affiliation: 'admin', role: 'moderator' });
  assert.deepEqual(standing(pl, '@someone:d', null), { affiliation: 'member', role: 'participant' });
});

test('without voice a member is a visitor', () => {
  const quiet = { ...pl, events_default: 10 };
  assert.deepEqual(standing(quiet, '@someone:d', null), { affiliation: 'member', role: 'visitor' });
  assert.equal(roleFor(10, 10), 'participant');
  assert.equal(roleFor(9, 10), 'visitor');
});

test('no power levels: only the creator has 100', () => {
  assert.equal(userLevel(null, '@c:d', '@c:d'), 100);
  assert.equal(userLevel(null, '@x:d', '@c:d'), 0);
  assert.equal(eventLevel(null, 'm.room.topic', true), 50);
  assert.equal(eventLevel(null, 'm.room.message', false), 0);
});

test('string levels of old room versions and odd values', () => {
  assert.equal(userLevel({ users: { '@a:d': '60' } }, '@a:d', null), 60);
  assert.equal(userLevel({ users: { '@a:d': 'x' }, users_default: 5 }, '@a:d', null), 5);
  assert.equal(eventLevel(pl, 'm.room.topic', true), 50);
  assert.equal(eventLevel(pl, 'm.room.name', true), 50);
  assert.equal(affiliationFor(101), 'owner');
  assert.equal(affiliationFor(49), 'member');
});
