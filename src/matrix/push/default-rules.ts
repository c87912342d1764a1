// The server-default push rules of spec push.md "Predefined Rules", in the spec's order. The
// placeholders "[the user's Matrix ID]" and the localpart are filled per user.
import type { PushAction, PushCondition, PushRule, Ruleset } from './types.js';

const sound = (value: string): PushAction => ({ set_tweak: 'sound', value });
const HIGHLIGHT: PushAction = { set_tweak: 'highlight' };
const match = (key: string, pattern: string): PushCondition => ({ kind: 'event_match', key, pattern });

function rule(rule_id: string, conditions: PushCondition[], actions: PushAction[], enabled = true): PushRule {
  return { rule_id, default: true, enabled, conditions, actions };
}

export function defaultRuleset(userId: string): Ruleset {
  const localpart = userId.slice(1, userId.indexOf(':') > 0 ? userId.indexOf(':') : undefined);
  return {
    override: [
      rule('.m.rule.master', [], [], false),
      rule('.m.rule.suppress_notices', [match('content.msgtype', 'm.notice')], []),
      rule('.m.rule.invite_for_me', [match('type', 'm.room.member'), match('content.membership', 'invite'), match('state_key', userId)],
        ['notify', sound('default')]),
      rule('.m.rule.member_event', [match('type', 'm.room.member')], []),
      rule('.m.rule.is_user_mention', [{ kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: userId }],
        ['notify', sound('default'), HIGHLIGHT]),
      rule('.m.rule.contains_display_name', [{ kind: 'contains_display_name' }], ['notify', sound('default'), HIGHLIGHT]),
      rule('.m.rule.is_room_mention', [
        { kind: 'event_property_is', key: 'content.m\\.mentions.room', value: true },
        { kind: 'sender_notification_permission', key: 'room' },
      ], ['notify', HIGHLIGHT]),
      rule('.m.rule.roomnotif', [match('content.body', '@room'), { kind: 'sender_notification_permission', key: 'room' }],
        ['notify', HIGHLIGHT]),
      rule('.m.rule.tombstone', [match('type', 'm.room.tombstone'), match('state_key', '')], ['notify', HIGHLIGHT]),
      rule('.m.rule.reaction', [match('type', 'm.reaction')], []),
      rule('.m.rule.room.server_acl', [match('type', 'm.room.server_acl'), match('state_key', '')], []),
      rule('.m.rule.suppress_edits', [{ kind: 'event_property_is', key: 'content.m\\.relates_to.rel_type', value: 'm.replace' }], []),
    ],
    content: [
      { rule_id: '.m.rule.contains_user_name', default: true, enabled: true, pattern: localpart, actions: ['notify', sound('default'), HIGHLIGHT] },
    ],
    room: [],
    sender: [],
    underride: [
      rule('.m.rule.call', [match('type', 'm.call.invite')], ['notify', sound('ring')]),
      rule('.m.rule.encrypted_room_one_to_one', [{ kind: 'room_member_count', is: '2' }, match('type', 'm.room.encrypted')],
        ['notify', sound('default')]),
      rule('.m.rule.room_one_to_one', [{ kind: 'room_member_count', is: '2' }, match('type', 'm.room.message')],
        ['notify', sound('default')]),
      rule('.m.rule.message', [match('type', 'm.room.message')], ['notify']),
      rule('.m.rule.encrypted', [match('type', 'm.room.encrypted')], ['notify']),
    ],
  };
}
