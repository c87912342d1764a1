import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pdu } from '../../../core/events/types.js';
import { x } from '../../xml/element.js';
import { bodyOfEvent, contentOfGroupchat } from './mapping.js';
import { XMPP_CONTENT_KEY } from '../../im/message-map.js';
import { extrasOf, fromContent, unknownChildren } from './payload.js';
import { changesFromForm } from './owner.js';

const pdu = (type: string, content: Pdu['content']): Pdu => ({
  type, content, sender: '@a:d', room_id: '!r:d', auth_events: [], prev_events: [], depth: 1, hashes: { sha256: '' }, origin_server_ts: 0, signatures: {},
});

test('event bodies: text, emote, encrypted fallback, not messages', () => {
  assert.equal(bodyOfEvent(pdu('m.room.message', { msgtype: 'm.text', body: 'hi' })), 'hi');
  assert.equal(bodyOfEvent(pdu('m.room.message', { msgtype: 'm.emote', body: 'waves' })), '/me waves');
  assert.match(bodyOfEvent(pdu('m.room.encrypted', { algorithm: 'm.megolm.v1.aes-sha2' }))!, /encrypted/);
  assert.equal(bodyOfEvent(pdu('m.room.message', {})), null, 'redacted');
  assert.equal(bodyOfEvent(pdu('m.reaction', {})), null);
});

test('groupchat body to content, with the stanza payload kept and restored', () => {
  const a = { serverName: 'd', mucDomain: 'c.d' };
  const body = x('body', {}, '/me waves');
  const stanza = x('message', { xmlns: 'jabber:client', id: 'm1', type: 'groupchat' },
    body,
    x('origin-id', { xmlns: 'urn:xmpp:sid:0', id: 'm1' }),
    x('stanza-id', { xmlns: 'urn:xmpp:sid:0', id: 'forged', by: 'lobby@c.d' }),
    x('stanza-id', { xmlns: 'urn:xmpp:sid:0', id: 'other', by: 'elsewhere.example' }),
    x('thread', {}, 't1'),
    x('encrypted', { xmlns: 'eu.siacs.conversations.axolotl' }, x('payload', {}, 'AAAA')));
  const extra = unknownChildren(stanza, body, a);
  assert.deepEqual(extra.map((c) => c.name), ['origin-id', 'stanza-id', 'thread', 'encrypted'], 'body mapped, the room\'s stanza-id dropped');
  const content = contentOfGroupchat('/me waves', extrasOf(stanza, body, a));
  assert.equal(content.msgtype, 'm.emote');
  assert.equal(content.body, 'waves');
  const back = fromContent(content, a);
  assert.equal(back.id, 'm1');
  assert.deepEqual(back.children.map((c) => c.name), ['origin-id', 'stanza-id', 'thread', 'encrypted']);
  assert.equal(back.children[2]!.xmlns, 'jabber:client', 'inherited namespace made explicit');
  assert.equal(back.children[3]!.getChildText('payload'), 'AAAA');
  assert.deepEqual(contentOfGroupchat('plain', {}), { msgtype: 'm.text', body: 'plain' });
  // Content is written by any Matrix client: broken or forged fragments are dropped.
  const forged = { [XMPP_CONTENT_KEY]: { payload: ['<broken', "<stanza-id xmlns='urn:xmpp:sid:0' by='lobby@c.d' id='x'/>", '</message><iq/>'] } };
  assert.deepEqual(fromContent(forged, a).children, []);
});

test('owner form: only real changes become state events', () => {
  const cur = { name: 'Lobby', open: true };
  assert.deepEqual(changesFromForm(new Map(), cur), []);
  assert.deepEqual(changesFromForm(new Map([['muc#roomconfig_roomname', 'Hall'], ['muc#roomconfig_membersonly', '0']]), cur),
    [{ type: 'm.room.name', content: { name: 'Hall' } }]);
  assert.deepEqual(changesFromForm(new Map([['muc#roomconfig_membersonly', 'true']]), cur),
    [{ type: 'm.room.join_rules', content: { join_rule: 'invite' } }]);
});
