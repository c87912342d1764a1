import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../../xml/element.js';
import { errorCondition } from '../../errors.js';
import { groupchatMessage, notInRoomKick, occupantPresence, presenceError, presencePayload, subjectMessage } from './stanzas.js';
import { NS_MUC, NS_MUC_USER } from './ns.js';
import type { ViewEntry } from './view.js';

const R = 'lobby@conference.d';
const entry: ViewEntry = { nick: 'bob', mxid: '@bob:d', jid: 'bob@d/a', affiliation: 'member', role: 'participant', presence: [x('show', {}, 'away'), x('status', {}, 'out')], sessions: ['bob@d/a'] };

test('occupant presence carries item, real JID, payload and sorted status codes', () => {
  const p = occupantPresence(R, entry, 'alice@d/x', { statuses: ['110', '100', '201'], id: 'j1' });
  assert.equal(p.toString(),
    `<presence from="${R}/bob" to="alice@d/x" id="j1"><show>away</show><status>out</status>` +
    `<x xmlns="${NS_MUC_USER}"><item affiliation="member" role="participant" jid="bob@d/a"/>` +
    '<status code="100"/><status code="110"/><status code="201"/></x></presence>');
});

test('unavailable presence: role none, status text kept; nick change keeps the role and names the new nick', () => {
  const gone = occupantPresence(R, entry, 'alice@d/x', { unavailable: true, statuses: ['110'] });
  assert.equal(gone.attr('type'), 'unavailable');
  assert.equal(gone.getChild('show'), undefined);
  assert.equal(gone.getChildText('status'), 'out');
  assert.equal(gone.getChild('x', NS_MUC_USER)!.getChild('item')!.attr('role'), 'none');
  const renamed = occupantPresence(R, entry, 'alice@d/x', { unavailable: true, newNick: 'robert', statuses: ['303'] });
  const item = renamed.getChild('x', NS_MUC_USER)!.getChild('item')!;
  assert.equal(item.attr('role'), 'participant');
  assert.equal(item.attr('nick'), 'robert');
});

test('presence payload leaves out MUC elements', () => {
  const p = x('presence', {}, x('x', { xmlns: NS_MUC }), x('show', {}, 'dnd'), x('c', { xmlns: 'http://jabber.org/protocol/caps', ver: 'v' }));
  assert.deepEqual(presencePayload(p).map((c) => c.name), ['show', 'c']);
});

test('presence error is from the occupant JID, with <x/> and error by the room', () => {
  const req = x('presence', { from: 'bob@d/a', to: `${R}/alice`, id: 'p1' }, x('x', { xmlns: NS_MUC }));
  const e = presenceError(req, R, 'conflict');
  assert.equal(e.attr('from'), `${R}/alice`);
  assert.equal(e.attr('to'), 'bob@d/a');
  assert.equal(e.attr('type'), 'error');
  assert.equal(e.attr('id'), 'p1');
  assert.equal(errorCondition(e), 'conflict');
  assert.equal(e.getChild('error')!.attr('by'), R);
  assert.equal(e.getChild('error')!.attr('type'), 'cancel');
  assert.ok(e.getChild('x', NS_MUC));
});

test('groupchat message: occupant JID, sender id, stanza-id by the room, delay for history', () => {
  const m = groupchatMessage(R, 'bob', 'alice@d/x', { id: 'c1', body: 'hi', eventId: '$ev', delayTs: Date.UTC(2026, 0, 1), extra: [x('origin-id', { xmlns: 'urn:xmpp:sid:0', id: 'c1' })] });
  assert.equal(m.attr('from'), `${R}/bob`);
  assert.equal(m.attr('id'), 'c1');
  assert.equal(m.getChildText('body'), 'hi');
  assert.equal(m.getChild('stanza-id', 'urn:xmpp:sid:0')!.attr('id'), '$ev');
  assert.equal(m.getChild('stanza-id', 'urn:xmpp:sid:0')!.attr('by'), R);
  assert.equal(m.getChild('origin-id', 'urn:xmpp:sid:0')!.attr('id'), 'c1');
  const d = m.getChild('delay', 'urn:xmpp:delay')!;
  assert.equal(d.attr('from'), R);
  assert.equal(d.attr('stamp'), '2026-01-01T00:00:00.000Z');
});

test('subject: no body, empty element when unset, from the room when the setter is not known', () => {
  const s = subjectMessage(R, null, 'alice@d/x', '');
  assert.equal(s.toString(), `<message from="${R}" to="alice@d/x" type="groupchat"><subject/></message>`);
  assert.equal(subjectMessage(R, 'bob', 'a@d/x', 'Topic').attr('from'), `${R}/bob`);
});

test('a non-occupant presence without the MUC element is told it is not in the room', () => {
  const k = notInRoomKick(x('presence', { from: 'bob@d/a', to: `${R}/bob` }));
  const codes = k.getChild('x', NS_MUC_USER)!.getChildren('status').map((s) => s.attr('code'));
  assert.deepEqual(codes, ['110', '307', '333']);
  assert.equal(k.attr('type'), 'unavailable');
});
