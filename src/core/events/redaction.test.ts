import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactContent, redactEvent, redactsTarget } from './redaction.js';
import { getRoomVersion } from './room-versions.js';
import type { JsonObject, Pdu } from './types.js';

const v = (id: string) => getRoomVersion(id)!;

function event(type: string, content: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    type,
    content,
    room_id: '!r:x',
    sender: '@a:x',
    event_id: '$e:x',
    state_key: '',
    hashes: { sha256: 'h' },
    signatures: { x: { 'ed25519:1': 's' } },
    depth: 4,
    prev_events: ['$p'],
    auth_events: ['$a'],
    origin_server_ts: 5,
    origin: 'x',
    membership: 'join',
    prev_state: [],
    unsigned: { age: 1 },
    redacts: '$t',
    other: 'dropped',
    ...extra,
  };
}

const ESSENTIAL = ['auth_events', 'content', 'depth', 'event_id', 'hashes', 'origin_server_ts', 'prev_events', 'room_id', 'sender', 'signatures', 'state_key', 'type'];

test('v11 top level keeps exactly the essential keys', () => {
  const out = redactEvent(event('m.room.message', { body: 'x' }), v('11'));
  assert.deepEqual(Object.keys(out).sort(), ESSENTIAL);
  assert.deepEqual(out.content, {});
});

test('v1-v10 also keep origin, membership and prev_state', () => {
  for (const id of ['1', '6', '10']) {
    const out = redactEvent(event('m.room.message', { body: 'x' }), v(id));
    assert.deepEqual(Object.keys(out).sort(), [...ESSENTIAL, 'membership', 'origin', 'prev_state'].sort(), id);
  }
});

test('v11 m.room.member keeps membership, join_authorised_via_users_server and third_party_invite.signed', () => {
  const content = {
    membership: 'invite',
    displayname: 'A',
    avatar_url: 'mxc://x/y',
    join_authorised_via_users_server: '@b:x',
    third_party_invite: { display_name: 'a@b.c', signed: { mxid: '@a:x', token: 't', signatures: {} } },
  };
  assert.deepEqual(redactContent('m.room.member', content, v('11')), {
    membership: 'invite',
    join_authorised_via_users_server: '@b:x',
    third_party_invite: { signed: { mxid: '@a:x', token: 't', signatures: {} } },
  });
  assert.deepEqual(redactContent('m.room.member', { membership: 'join', third_party_invite: { display_name: 'x' } }, v('11')), {
    membership: 'join',
    third_party_invite: {},
  });
  assert.deepEqual(redactContent('m.room.member', { membership: 'join', third_party_invite: 'junk' }, v('11')), { membership: 'join' });
});

test('v11 m.room.create keeps all of its content', () => {
  const content = { room_version: '11', 'm.federate': false, predecessor: { room_id: '!o:x' }, type: 'm.space', creator: '@a:x' };
  const out = redactContent('m.room.create', content, v('11'));
  assert.deepEqual(out, content);
  assert.notEqual(out, content);
});

test('v11 m.room.join_rules keeps join_rule and allow', () => {
  const allow = [{ type: 'm.room_membership', room_id: '!s:x' }];
  assert.deepEqual(redactContent('m.room.join_rules', { join_rule: 'restricted', allow, extra: 1 }, v('11')), { join_rule: 'restricted', allow });
});

test('v11 m.room.power_levels keeps the level keys including invite', () => {
  const content = { ban: 50, events: { a: 1 }, events_default: 0, invite: 0, kick: 50, redact: 50, state_default: 50, users: { '@a:x': 100 }, users_default: 0, notifications: { room: 50 }, historical: 100 };
  const { notifications: _n, historical: _h, ...kept } = content;
  assert.deepEqual(redactContent('m.room.power_levels', content, v('11')), kept);
});

test('v11 m.room.history_visibility keeps history_visibility', () => {
  assert.deepEqual(redactContent('m.room.history_visibility', { history_visibility: 'shared', x: 1 }, v('11')), { history_visibility: 'shared' });
});

test('v11 m.room.redaction keeps content.redacts; the top-level redacts goes', () => {
  const out = redactEvent(event('m.room.redaction', { redacts: '$t', reason: 'spam' }), v('11'));
  assert.deepEqual(out.content, { redacts: '$t' });
  assert.equal('redacts' in out, false);
});

test('v11 drops content of every other type, including m.room.aliases', () => {
  for (const type of ['m.room.message', 'm.room.name', 'm.room.topic', 'm.room.aliases', 'm.room.third_party_invite', 'm.room.encrypted']) {
    assert.deepEqual(redactContent(type, { body: 'x', name: 'y', aliases: ['#a:x'] }, v('11')), {}, type);
  }
});

test('v1-v10 m.room.create keeps only creator', () => {
  for (const id of ['1', '9', '10']) {
    assert.deepEqual(redactContent('m.room.create', { creator: '@a:x', room_version: id, 'm.federate': true }, v(id)), { creator: '@a:x' });
  }
});

test('m.room.aliases keeps aliases only in v1-v5', () => {
  assert.deepEqual(redactContent('m.room.aliases', { aliases: ['#a:x'], x: 1 }, v('5')), { aliases: ['#a:x'] });
  assert.deepEqual(redactContent('m.room.aliases', { aliases: ['#a:x'] }, v('6')), {});
});

test('join_rules allow from v8, join_authorised_via_users_server from v9', () => {
  const jr = { join_rule: 'restricted', allow: [] };
  assert.deepEqual(redactContent('m.room.join_rules', jr, v('7')), { join_rule: 'restricted' });
  assert.deepEqual(redactContent('m.room.join_rules', jr, v('8')), jr);
  const member = { membership: 'join', join_authorised_via_users_server: '@b:x' };
  assert.deepEqual(redactContent('m.room.member', member, v('8')), { membership: 'join' });
  assert.deepEqual(redactContent('m.room.member', member, v('9')), member);
});

test('before v11 power levels lose invite, redactions lose redacts, member loses third_party_invite', () => {
  assert.deepEqual(redactContent('m.room.power_levels', { invite: 0, ban: 50 }, v('10')), { ban: 50 });
  assert.deepEqual(redactContent('m.room.redaction', { redacts: '$t' }, v('10')), {});
  assert.deepEqual(redactContent('m.room.member', { membership: 'invite', third_party_invite: { signed: {} } }, v('10')), { membership: 'invite' });
});

test('malformed content is emptied, and input is not mutated', () => {
  const bad = event('m.room.member', { membership: 'join' }, { content: 'not an object' });
  assert.deepEqual(redactEvent(bad, v('11')).content, {});
  const ev = event('m.room.message', { body: 'keep me' });
  redactEvent(ev, v('11'));
  assert.deepEqual(ev.content, { body: 'keep me' });
});

test('redactsTarget reads the version-specific place', () => {
  const base = { type: 'm.room.redaction', content: { redacts: '$in' }, redacts: '$top' } as unknown as Pdu;
  assert.equal(redactsTarget(base, v('11')), '$in');
  assert.equal(redactsTarget(base, v('10')), '$top');
  assert.equal(redactsTarget({ ...base, type: 'm.room.message' }, v('11')), undefined);
});
