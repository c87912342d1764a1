import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Jid } from '../jid.js';
import { parseFragment } from './payload.js';
import { chatOfItem, displayedPayload, displayedStanzaId } from './mds.js';

const domains = { account: 'example.org', muc: 'conference.example.org' };

test('mds: an item id names a contact, a room, or nothing Hearth maps', () => {
  assert.deepEqual(chatOfItem(Jid.parse('Bob@Example.org'), domains), { kind: 'dm', local: 'bob' });
  const room = chatOfItem(Jid.parse('lobby@conference.example.org'), domains);
  assert.equal(room?.kind, 'room');
  // A MUC private chat (full JID), a remote contact, a bare domain and junk are only stored.
  assert.equal(chatOfItem(Jid.parse('lobby@conference.example.org/Nick'), domains), null);
  assert.equal(chatOfItem(Jid.parse('romeo@montague.example'), domains), null);
  assert.equal(chatOfItem(Jid.parse('example.org'), domains), null);
  assert.equal(chatOfItem(Jid.parse('a@b@'), domains), null);
});

test('mds: the stanza-id of a displayed payload; malformed ones name nothing', () => {
  const round = displayedPayload('$ev1', 'alice@example.org');
  assert.equal(displayedStanzaId(parseFragment(round.toString())!), '$ev1');
  const p = (xml: string) => displayedStanzaId(parseFragment(xml)!);
  assert.equal(p("<displayed xmlns='urn:xmpp:mds:displayed:0'/>"), null);
  assert.equal(p("<displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0' by='a'/></displayed>"), null);
  assert.equal(p("<displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0' by='a' id='1'/>"
    + "<stanza-id xmlns='urn:xmpp:sid:0' by='a' id='2'/></displayed>"), null, 'exactly one stanza-id');
  assert.equal(p("<displayed xmlns='urn:xmpp:other'><stanza-id xmlns='urn:xmpp:sid:0' by='a' id='1'/></displayed>"), null);
  assert.equal(p("<displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id by='a' id='1'/></displayed>"), null, 'stanza-id in the wrong namespace');
});
