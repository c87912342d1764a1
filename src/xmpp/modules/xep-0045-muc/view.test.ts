import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../../xml/element.js';
import { computeView, diffViews, freeNick, nickConflict, nickOfMember, preferredNick, type Occupant, type ViewInput } from './view.js';

const standing = (mxid: string) => (mxid === '@alice:d' ? { affiliation: 'owner' as const, role: 'moderator' as const } : { affiliation: 'member' as const, role: 'participant' as const });
const input = (occupants: Occupant[], members: ViewInput['members'], hidden: string[] = []): ViewInput => ({
  occupants, members, hidden: new Set(hidden), standing, jidOf: (m) => `${m.slice(1, m.indexOf(':'))}@d`,
});
const occ = (fullJid: string, mxid: string, nick: string): Occupant => ({ fullJid, mxid, nick, presence: [] });

test('Matrix members appear under their display name, XMPP sessions under their nick', () => {
  const v = computeView(input([occ('bob@d/phone', '@bob:d', 'bobby')], [
    { mxid: '@alice:d', displayname: 'Alice' }, { mxid: '@bob:d', displayname: 'Bob' }, { mxid: '@carol:d', displayname: null },
  ]));
  assert.deepEqual([...v.keys()].sort(), ['Alice', 'bobby', 'carol']);
  assert.equal(v.get('Alice')!.jid, 'alice@d');
  assert.equal(v.get('Alice')!.affiliation, 'owner');
  assert.equal(v.get('bobby')!.jid, 'bob@d/phone', 'an XMPP occupant shows its full JID');
  assert.deepEqual(v.get('carol')!.sessions, []);
});

test('two sessions of one account may share a nick; hidden members are left out', () => {
  const v = computeView(input([occ('bob@d/a', '@bob:d', 'bob'), occ('bob@d/b', '@bob:d', 'bob')], [{ mxid: '@alice:d', displayname: 'A' }], ['@alice:d']));
  assert.deepEqual([...v.keys()], ['bob']);
  assert.deepEqual(v.get('bob')!.sessions, ['bob@d/a', 'bob@d/b']);
});

test('a Matrix member whose name is taken is told apart by its user id', () => {
  const v = computeView(input([occ('bob@d/a', '@bob:d', 'Alice')], [{ mxid: '@alice:d', displayname: 'Alice' }]));
  assert.ok(v.has('Alice (@alice:d)'));
  assert.equal(freeNick('x', '@x:d', () => true), '@x:d');
});

test('preferred nick: trimmed display name, else localpart', () => {
  assert.equal(preferredNick({ mxid: '@a:d', displayname: '  Ann  ' }), 'Ann');
  assert.equal(preferredNick({ mxid: '@a:d', displayname: '   ' }), 'a');
  assert.equal(preferredNick({ mxid: '@a:d', displayname: 'bad\u0001name' }), 'a');
});

test('nick conflicts are with other accounts only', () => {
  const v = computeView(input([], [{ mxid: '@alice:d', displayname: 'Alice' }]));
  assert.equal(nickConflict(v, 'Alice', '@bob:d'), true);
  assert.equal(nickConflict(v, 'Alice', '@alice:d'), false);
  assert.equal(nickConflict(v, 'Someone', '@bob:d'), false);
});

test('the nick an account speaks under prefers its XMPP nick', () => {
  const v = computeView(input([occ('bob@d/a', '@bob:d', 'bobby')], [{ mxid: '@bob:d', displayname: 'Bob' }, { mxid: '@carol:d', displayname: 'C' }]));
  assert.equal(nickOfMember(v, '@bob:d'), 'bobby');
  assert.equal(nickOfMember(v, '@carol:d'), 'C');
  assert.equal(nickOfMember(v, '@nobody:d'), null);
});

test('diff: departures, arrivals and changed presence', () => {
  const before = computeView(input([occ('bob@d/a', '@bob:d', 'bob')], [{ mxid: '@alice:d', displayname: 'Alice' }]));
  const away = { ...occ('bob@d/a', '@bob:d', 'bob'), presence: [x('show', {}, 'away')] };
  const after = computeView(input([away], [{ mxid: '@carol:d', displayname: 'Carol' }]));
  const d = diffViews(before, after);
  assert.deepEqual(d.gone.map((e) => e.nick), ['Alice']);
  assert.deepEqual(d.changed.map((e) => e.nick).sort(), ['Carol', 'bob']);
  assert.deepEqual(diffViews(after, after), { gone: [], changed: [] });
});
