import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Jid } from '../../jid.js';
import { aliasOfRoomJid, nickOf, roomJidOfAlias } from './addressing.js';

const a = { serverName: 'example.org', mucDomain: 'conference.example.org' };

test('room JID to alias and back', () => {
  assert.equal(aliasOfRoomJid(Jid.parse('lobby@conference.example.org')!, a), '#lobby:example.org');
  assert.equal(roomJidOfAlias('#lobby:example.org', a), 'lobby@conference.example.org');
  // JID localparts are case-folded, so the alias looked up is the lower-case one.
  assert.equal(aliasOfRoomJid(Jid.parse('Lobby@Conference.Example.org/Nick')!, a), '#lobby:example.org');
});

test('only rooms of this service map to aliases', () => {
  assert.equal(aliasOfRoomJid(Jid.parse('lobby@example.org')!, a), null);
  assert.equal(aliasOfRoomJid(Jid.parse('conference.example.org')!, a), null);
  assert.equal(aliasOfRoomJid(Jid.parse(`${'x'.repeat(300)}@conference.example.org`)!, a), null, 'longer than an alias may be');
});

test('aliases without an exact JID form are not offered', () => {
  assert.equal(roomJidOfAlias('#Lobby:example.org', a), null, 'upper case would fold to another alias');
  assert.equal(roomJidOfAlias('#a b:example.org', a), null, 'space is not allowed in a JID localpart');
  assert.equal(roomJidOfAlias('#lobby:other.org', a), null, 'remote alias');
  assert.equal(roomJidOfAlias('!room:example.org', a), null);
});

test('nick is the resource; missing or blank nicks are refused', () => {
  assert.equal(nickOf(Jid.parse('lobby@conference.example.org/Third Witch')!), 'Third Witch');
  assert.equal(nickOf(Jid.parse('lobby@conference.example.org')!), null);
  assert.equal(nickOf(Jid.parse('lobby@conference.example.org/   ')!), null);
});
