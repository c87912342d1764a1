import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionMatches, evaluate, globMatches, propertyAt, splitPath, type PushContext, type PushEvent } from './evaluate.js';
import { defaultRuleset } from './default-rules.js';
import { mergeRules } from './user-rules.js';
import { notifyBody, tweaksOf } from './gateway-body.js';
import { RULE_KINDS } from './types.js';

const ALICE = '@alice:hearth.test';
const ctx = (over: Partial<PushContext> = {}): PushContext => ({
  userId: ALICE, displayName: 'Alice Liddell', memberCount: 3, senderPowerLevel: 0, notificationPowerLevel: () => 50, ...over,
});
const msg = (body: string, extra: Record<string, unknown> = {}): PushEvent => ({
  type: 'm.room.message', sender: '@bob:hearth.test', room_id: '!r:hearth.test', content: { msgtype: 'm.text', body, ...extra } as PushEvent['content'],
});
const rules = defaultRuleset(ALICE);

test('dot-separated paths honour escapes (spec appendices)', () => {
  assert.deepEqual(splitPath('content.m\\.mentions.user_ids'), ['content', 'm.mentions', 'user_ids']);
  assert.deepEqual(splitPath('a\\\\.b'), ['a\\', 'b']);
  assert.equal(propertyAt(msg('x', { 'm.mentions': { room: true } }), 'content.m\\.mentions.room'), true);
  assert.equal(propertyAt(msg('x'), 'content.nope.deeper'), undefined);
});

test('globs match whole values case-insensitively; content.body by word boundaries', () => {
  assert.ok(globMatches('lunc?*', 'LUNCH plans', false));
  assert.ok(!globMatches('lunc?*', ' lunch', false));
  assert.ok(!globMatches('lunc?', 'lunc', false));
  assert.ok(globMatches('ex*ple', 'An example event.', true));
  assert.ok(globMatches('ex*ple', 'exple', true));
  assert.ok(globMatches('ex*ple', 'An exciting triple-whammy', true));
  assert.ok(!globMatches('alice', 'malice aforethought', true));
  assert.ok(globMatches('a.b', 'a.b', false) && !globMatches('a.b', 'axb', false));
});

test('condition kinds: event_match, event_property_is/contains, member count, sender permission, unknown', () => {
  const ev = msg('hi', { n: 1, list: ['x', 2, null, { o: 1 }] });
  assert.ok(conditionMatches({ kind: 'event_match', key: 'type', pattern: 'm.room.*' }, ev, ctx()));
  assert.ok(!conditionMatches({ kind: 'event_match', key: 'content.n', pattern: '*' }, ev, ctx()), 'non-strings never match');
  assert.ok(conditionMatches({ kind: 'event_property_is', key: 'content.n', value: 1 }, ev, ctx()));
  assert.ok(!conditionMatches({ kind: 'event_property_is', key: 'content.n', value: '1' }, ev, ctx()), 'no casting');
  assert.ok(conditionMatches({ kind: 'event_property_contains', key: 'content.list', value: null }, ev, ctx()));
  assert.ok(!conditionMatches({ kind: 'event_property_contains', key: 'content.body', value: 'h' }, ev, ctx()));
  for (const [is, n, want] of [['2', 2, true], ['==2', 3, false], ['<3', 2, true], ['>=3', 3, true], ['>3', 3, false], ['<=1', 2, false], ['x', 2, false]] as const) {
    assert.equal(conditionMatches({ kind: 'room_member_count', is }, ev, ctx({ memberCount: n })), want, `${is} on ${n}`);
  }
  assert.ok(conditionMatches({ kind: 'sender_notification_permission', key: 'room' }, ev, ctx({ senderPowerLevel: 50 })));
  assert.ok(!conditionMatches({ kind: 'sender_notification_permission', key: 'room' }, ev, ctx({ senderPowerLevel: 49 })));
  assert.ok(!conditionMatches({ kind: 'no_such_kind' }, ev, ctx()));
  assert.ok(conditionMatches({ kind: 'contains_display_name' }, msg('hey alice liddell!'), ctx()));
  assert.ok(!conditionMatches({ kind: 'contains_display_name' }, msg('hey alice'), ctx()));
});

test('default rules: spec order, and what they decide', () => {
  assert.deepEqual(rules.override.map((r) => r.rule_id), [
    '.m.rule.master', '.m.rule.suppress_notices', '.m.rule.invite_for_me', '.m.rule.member_event', '.m.rule.is_user_mention',
    '.m.rule.contains_display_name', '.m.rule.is_room_mention', '.m.rule.roomnotif', '.m.rule.tombstone', '.m.rule.reaction',
    '.m.rule.room.server_acl', '.m.rule.suppress_edits',
  ]);
  assert.deepEqual(rules.underride.map((r) => r.rule_id), [
    '.m.rule.call', '.m.rule.encrypted_room_one_to_one', '.m.rule.room_one_to_one', '.m.rule.message', '.m.rule.encrypted',
  ]);
  assert.equal(rules.content[0].pattern, 'alice');
  const plain = evaluate(rules, msg('hello'), ctx());
  assert.deepEqual([plain.notify, plain.highlight, plain.ruleId], [true, false, '.m.rule.message']);
  const mention = evaluate(rules, msg('hi', { 'm.mentions': { user_ids: [ALICE] } }), ctx());
  assert.deepEqual([mention.notify, mention.highlight, mention.ruleId], [true, true, '.m.rule.is_user_mention']);
  // With m.mentions present, the legacy body rules stay quiet.
  const legacy = evaluate(rules, msg('alice look', { 'm.mentions': {} }), ctx());
  assert.equal(legacy.highlight, false);
  assert.equal(evaluate(rules, msg('alice look'), ctx()).ruleId, '.m.rule.contains_user_name');
  assert.equal(evaluate(rules, msg('@room now'), ctx({ senderPowerLevel: 100 })).highlight, true);
  assert.equal(evaluate(rules, msg('@room now'), ctx()).highlight, false);
  assert.equal(evaluate(rules, msg('note', { msgtype: 'm.notice' }), ctx()).notify, false);
  assert.equal(evaluate(rules, msg('x'), ctx({ memberCount: 2 })).ruleId, '.m.rule.room_one_to_one');
  assert.equal(evaluate(rules, { ...msg('x'), sender: ALICE }, ctx()).notify, false, 'never for own events');
  const invite: PushEvent = { type: 'm.room.member', sender: '@bob:hearth.test', room_id: '!r:h', state_key: ALICE, content: { membership: 'invite' } };
  assert.equal(evaluate(rules, invite, ctx()).ruleId, '.m.rule.invite_for_me');
  assert.equal(evaluate(rules, { ...invite, state_key: '@carol:h' }, ctx()).notify, false);
  assert.equal(evaluate(rules, { ...msg('x'), type: 'm.reaction' }, ctx()).notify, false);
  // Actions replaced on a rule (PUT .../actions) change the outcome at once.
  const message = rules.underride.find((r) => r.rule_id === '.m.rule.message')!;
  message.actions = ['dont_notify'];
  assert.equal(evaluate(rules, msg('hello'), ctx()).notify, false);
  const edit = msg('x', { 'm.relates_to': { rel_type: 'm.replace', event_id: '$e' } });
  assert.equal(evaluate(rules, edit, ctx()).notify, false);
});

test('user rules sit after master and before defaults; changes to defaults apply', () => {
  const merged = mergeRules(ALICE, {
    own: { override: [{ rule_id: 'mine', default: false, enabled: true, conditions: [], actions: [] }], content: [], room: [], sender: [{ rule_id: '@bob:hearth.test', default: false, enabled: true, actions: [] }], underride: [] },
    defaults: { '.m.rule.master': { enabled: true }, '.m.rule.message': { actions: ['notify', { set_tweak: 'sound', value: 'x' }] } },
  });
  assert.deepEqual(merged.override.slice(0, 3).map((r) => r.rule_id), ['.m.rule.master', 'mine', '.m.rule.suppress_notices']);
  assert.equal(merged.override[0].enabled, true);
  assert.equal(evaluate(merged, msg('hi'), ctx()).notify, false, 'master on silences everything');
  merged.override[0].enabled = false;
  assert.equal(evaluate(merged, msg('hi'), ctx()).ruleId, 'mine');
  merged.override.splice(1, 1);
  assert.equal(evaluate(merged, msg('hi'), ctx()).ruleId, '@bob:hearth.test');
  for (const k of RULE_KINDS) assert.ok(Array.isArray(merged[k]));
});

test('gateway body: counts, tweaks, prio, event_id_only, url kept out of data', () => {
  const input = {
    eventId: '$e', roomId: '!r:h', type: 'm.room.message', sender: '@bob:h', senderDisplayName: 'Bob', roomName: 'Den',
    content: { body: 'hi' }, userIsTarget: false, actions: ['notify', { set_tweak: 'highlight' }] as const, unread: 3,
  };
  const pusher = { app_id: 'app', pushkey: 'k', pushkey_ts: 5, data: { url: 'http://gw/_matrix/push/v1/notify', extra: 1 } };
  const n = notifyBody({ ...input, actions: [...input.actions] }, pusher).notification as Record<string, unknown>;
  assert.deepEqual(n.counts, { unread: 3 });
  assert.equal(n.prio, 'high');
  assert.equal(n.sender_display_name, 'Bob');
  assert.deepEqual(n.devices, [{ app_id: 'app', pushkey: 'k', pushkey_ts: 5, data: { extra: 1 }, tweaks: { highlight: true } }]);
  const slim = notifyBody({ ...input, actions: ['notify'] }, { ...pusher, data: { url: 'u', format: 'event_id_only' } }).notification as Record<string, unknown>;
  assert.equal(slim.content, undefined);
  assert.equal(slim.prio, 'low');
  assert.deepEqual(tweaksOf([{ set_tweak: 'sound', value: 'ring' }, 'notify']), { sound: 'ring' });
});
