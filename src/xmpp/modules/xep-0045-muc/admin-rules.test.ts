import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../../xml/element.js';
import { parseAdminItems, planAll, planItem, withLevels, type RoomRules } from './admin-rules.js';

const rules: RoomRules = { messageLevel: 0, kickLevel: 50, banLevel: 50, inviteLevel: 0, usersDefault: 0, membersOnly: false, owners: 1 };
const owner = { mxid: '@o:d', level: 100 };
const admin = { mxid: '@a:d', level: 50 };
const member = { mxid: '@m:d', level: 0 };
const t = (mxid: string, level: number, membership = 'join') => ({ mxid, level, membership });

test('parse: each item has exactly one known role or affiliation', () => {
  const q = (...items: ReturnType<typeof x>[]) => x('query', { xmlns: 'http://jabber.org/protocol/muc#admin' }, items);
  assert.deepEqual(parseAdminItems(q(x('item', { nick: 'n', role: 'none' }, x('reason', {}, 'bye')))), [{ nick: 'n', jid: undefined, role: 'none', affiliation: undefined, reason: 'bye' }]);
  for (const bad of [q(), q(x('item', { nick: 'n' })), q(x('item', { nick: 'n', role: 'none', affiliation: 'none' })), q(x('item', { nick: 'n', role: 'king' })), q(x('item', { jid: 'a@d', affiliation: 'boss' }))]) {
    const r = parseAdminItems(bad);
    assert.ok(!Array.isArray(r) && r.error === 'bad-request', bad.toString());
  }
});

test('kick: a moderator kicks a lower occupant; not itself, not an equal or higher one, not as a participant', () => {
  assert.deepEqual(planItem({ nick: 'm', role: 'none', reason: 'r' }, t('@m:d', 0), admin, rules), [{ kind: 'kick', mxid: '@m:d', reason: 'r', status: 'kicked' }]);
  assert.deepEqual(planItem({ nick: 'a', role: 'none' }, t('@a:d', 50), admin, rules), { error: 'conflict', text: 'a moderator cannot kick themselves' });
  assert.equal((planItem({ nick: 'o', role: 'none' }, t('@o:d', 100), admin, rules) as { error: string }).error, 'not-allowed');
  assert.equal((planItem({ nick: 'b', role: 'none' }, t('@b:d', 50), admin, rules) as { error: string }).error, 'not-allowed');
  assert.equal((planItem({ nick: 'x', role: 'none' }, t('@x:d', 0), member, rules) as { error: string }).error, 'forbidden');
  assert.equal((planItem({ nick: 'x', role: 'none' }, t('@x:d', 0), admin, { ...rules, kickLevel: 75 }) as { error: string }).error, 'forbidden');
});

test('voice: visitor is one below the message level, participant the message level; never from admins', () => {
  const moderated = { ...rules, messageLevel: 10 };
  assert.deepEqual(planItem({ nick: 'm', role: 'visitor' }, t('@m:d', 10), admin, moderated), [{ kind: 'level', mxid: '@m:d', level: 9 }]);
  assert.deepEqual(planItem({ nick: 'm', role: 'visitor' }, t('@m:d', 0), admin, rules), [{ kind: 'level', mxid: '@m:d', level: -1 }]);
  assert.deepEqual(planItem({ nick: 'm', role: 'visitor' }, t('@m:d', 5), admin, moderated), [], 'already a visitor');
  assert.deepEqual(planItem({ nick: 'm', role: 'participant' }, t('@m:d', 5), admin, moderated), [{ kind: 'level', mxid: '@m:d', level: 10 }]);
  assert.equal((planItem({ nick: 'o', role: 'visitor' }, t('@o:d', 100), owner, rules) as { error: string }).error, 'not-allowed');
  assert.equal((planItem({ nick: 'b', role: 'participant' }, t('@b:d', 50), owner, rules) as { error: string }).error, 'not-allowed');
  assert.deepEqual(planItem({ nick: 'm', role: 'moderator' }, t('@m:d', 0), admin, rules), [{ kind: 'level', mxid: '@m:d', level: 50 }]);
});

test('ban and unban: admins ban lower users; not themselves (conflict), not owners (not-allowed)', () => {
  assert.deepEqual(planItem({ jid: 'm@d', affiliation: 'outcast', reason: 'spam' }, t('@m:d', 0), admin, rules), [{ kind: 'ban', mxid: '@m:d', reason: 'spam' }]);
  assert.deepEqual(planItem({ jid: 'm@d', affiliation: 'outcast' }, t('@m:d', 0, 'ban'), admin, rules), []);
  assert.equal((planItem({ jid: 'a@d', affiliation: 'outcast' }, t('@a:d', 50), admin, rules) as { error: string }).error, 'conflict');
  assert.equal((planItem({ jid: 'o@d', affiliation: 'outcast' }, t('@o:d', 100), admin, rules) as { error: string }).error, 'not-allowed');
  assert.equal((planItem({ jid: 'x@d', affiliation: 'outcast' }, t('@x:d', 0), member, rules) as { error: string }).error, 'forbidden');
  assert.deepEqual(planItem({ jid: 'm@d', affiliation: 'none' }, t('@m:d', 0, 'ban'), admin, rules), [{ kind: 'unban', mxid: '@m:d' }]);
});

test('affiliations: owners make admins and owners; members are invited; members-only removal is a 321 kick', () => {
  assert.deepEqual(planItem({ jid: 'm@d', affiliation: 'admin' }, t('@m:d', 0), owner, rules), [{ kind: 'level', mxid: '@m:d', level: 50 }]);
  assert.deepEqual(planItem({ jid: 'm@d', affiliation: 'owner' }, t('@m:d', 50), owner, rules), [{ kind: 'level', mxid: '@m:d', level: 100 }]);
  assert.equal((planItem({ jid: 'm@d', affiliation: 'admin' }, t('@m:d', 0), admin, rules) as { error: string }).error, 'forbidden');
  assert.deepEqual(planItem({ jid: 'b@d', affiliation: 'member' }, t('@b:d', 50), owner, rules), [{ kind: 'level', mxid: '@b:d', level: 0 }]);
  assert.deepEqual(planItem({ jid: 'n@d', affiliation: 'member' }, t('@n:d', 0, 'leave'), admin, rules), [{ kind: 'invite', mxid: '@n:d', reason: undefined }]);
  assert.deepEqual(planItem({ jid: 'n@d', affiliation: 'member' }, t('@n:d', 0, 'ban'), admin, rules), [{ kind: 'unban', mxid: '@n:d' }, { kind: 'invite', mxid: '@n:d', reason: undefined }]);
  assert.deepEqual(planItem({ jid: 'm@d', affiliation: 'none' }, t('@m:d', 0), admin, rules), [], 'an open room has nothing to take away');
  assert.deepEqual(planItem({ jid: 'm@d', affiliation: 'none' }, t('@m:d', 0), admin, { ...rules, membersOnly: true }), [{ kind: 'kick', mxid: '@m:d', reason: undefined, status: 'affiliation' }]);
  // The last owner cannot step down; one owner cannot demote another (Matrix: equal levels).
  assert.equal((planItem({ jid: 'o@d', affiliation: 'admin' }, t('@o:d', 100), owner, rules) as { error: string }).error, 'conflict');
  assert.deepEqual(planItem({ jid: 'o@d', affiliation: 'admin' }, t('@o:d', 100), owner, { ...rules, owners: 2 }), [{ kind: 'level', mxid: '@o:d', level: 50 }]);
  assert.equal((planItem({ jid: 'p@d', affiliation: 'member' }, t('@p:d', 100), owner, { ...rules, owners: 2 }) as { error: string }).error, 'not-authorized');
});

test('all or nothing; power levels keep the rest', () => {
  assert.deepEqual(planAll([[{ kind: 'unban', mxid: '@a:d' }], { error: 'forbidden', text: 'no' }]), { error: 'forbidden', text: 'no' });
  const pl = { users: { '@o:d': 100, '@m:d': 50 }, ban: 50 };
  assert.deepEqual(withLevels(pl, new Map([['@m:d', 0], ['@n:d', -1]]), 0), { users: { '@o:d': 100, '@n:d': -1 }, ban: 50 });
});
