import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKey, checkProfileSize, valueFromBody } from './fields.js';
import { MatrixError } from '../errors.js';

const code = (f: () => unknown) => {
  try { f(); } catch (e) { return (e as MatrixError).errcode; }
  return 'ok';
};

test('profile keys: the core fields, m.tz and namespaced identifiers only', () => {
  for (const k of ['displayname', 'avatar_url', 'm.tz', 'org.example.pronouns', 'io.x_y.z2']) assert.equal(code(() => checkKey(k)), 'ok', k);
  for (const k of ['pronouns', 'Org.example.x', 'org..x', 'org.example.', '1org.x', 'm.other.', 'org.ex-ample']) assert.equal(code(() => checkKey(k)), 'M_INVALID_PARAM', k);
  assert.equal(code(() => checkKey(`a.${'b'.repeat(254)}`)), 'M_KEY_TOO_LARGE');
});

test('profile values: the body holds exactly the key; typed fields are strings', () => {
  assert.deepEqual(valueFromBody({ 'org.example.x': { a: [1] } }, 'org.example.x'), { a: [1] });
  assert.equal(valueFromBody({ 'org.example.x': null }, 'org.example.x'), null);
  assert.equal(code(() => valueFromBody({}, 'm.tz')), 'M_MISSING_PARAM');
  assert.equal(code(() => valueFromBody({ 'm.tz': 'UTC', x: 1 }, 'm.tz')), 'M_BAD_JSON');
  assert.equal(code(() => valueFromBody({ displayname: 1 }, 'displayname')), 'M_BAD_JSON');
  assert.equal(code(() => valueFromBody({ avatar_url: 'http://x/y' }, 'avatar_url')), 'M_BAD_JSON');
  assert.equal(valueFromBody({ avatar_url: 'mxc://h/m' }, 'avatar_url'), 'mxc://h/m');
});

test('profile size: under 64 KiB as JSON', () => {
  assert.equal(code(() => checkProfileSize({ k: 'x'.repeat(65000) })), 'ok');
  assert.equal(code(() => checkProfileSize({ k: 'x'.repeat(65536) })), 'M_PROFILE_TOO_LARGE');
});
