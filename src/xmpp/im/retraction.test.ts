import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFragment } from './payload.js';
import { x } from '../xml/element.js';
import { NS_RETRACT, readRetraction, retractionStanza, tombstone } from './retraction.js';

const msg = (inner: string) => parseFragment(`<message xmlns='jabber:client' type='chat'>${inner}</message>`)!;

test('readRetraction: the :1 form, the older :0 apply-to form, malformed and absent', () => {
  assert.equal(readRetraction(msg(`<retract xmlns='${NS_RETRACT}' id='m1'/><body>x</body>`)), 'm1');
  assert.equal(readRetraction(msg(`<apply-to xmlns='urn:xmpp:fasten:0' id='m2'><retract xmlns='urn:xmpp:message-retract:0'/></apply-to>`)), 'm2');
  assert.equal(readRetraction(msg(`<retract xmlns='${NS_RETRACT}'/>`)), '', 'no id: malformed');
  assert.equal(readRetraction(msg(`<apply-to xmlns='urn:xmpp:fasten:0' id='m3'><other xmlns='urn:x'/></apply-to>`)), null);
  assert.equal(readRetraction(msg(`<retract xmlns='urn:other' id='m4'/>`)), null);
  assert.equal(readRetraction(msg('<body>hello</body>')), null);
});

test('retractionStanza: :1 retract, fallback body marked as such, store hint, stanza-id', () => {
  const el = retractionStanza({ id: 'r1', from: 'a@d', to: 'b@d', targetId: 'm1', stanzaId: '$red', archive: 'b@d' });
  assert.equal(el.getChild('retract', NS_RETRACT)?.attr('id'), 'm1');
  assert.equal(el.getChild('fallback', 'urn:xmpp:fallback:0')?.attr('for'), NS_RETRACT);
  assert.ok(el.getChild('body')!.text().length > 0);
  assert.ok(el.getChild('store', 'urn:xmpp:hints'));
  assert.equal(el.getChild('stanza-id', 'urn:xmpp:sid:0')?.attr('id'), '$red');
  assert.equal(el.attr('id'), 'r1');
});

test('tombstone: the envelope and <retracted/>, no body', () => {
  const el = tombstone({ id: 'm1', from: 'a@d', to: 'b@d', retractionId: 'r1', stamp: Date.UTC(2026, 0, 2, 3, 4, 5) });
  assert.equal(el.getChild('body'), undefined);
  const r = el.getChild('retracted', NS_RETRACT)!;
  assert.equal(r.attr('id'), 'r1');
  assert.equal(r.attr('stamp'), '2026-01-02T03:04:05.000Z');
});

test('tombstone in a room: groupchat, no to, the occupant id kept, the moderation inside <retracted/>', () => {
  const el = tombstone({
    id: 'm1', from: 'room@muc/Ann', retractionId: '$red', stamp: 0, type: 'groupchat',
    keep: [x('occupant-id', { xmlns: 'urn:xmpp:occupant-id:0', id: 'o1' })],
    inside: [x('moderated', { xmlns: 'urn:xmpp:message-moderate:1', by: 'room@muc/Mod' }), x('reason', {}, 'spam')],
  });
  assert.equal(el.attr('type'), 'groupchat');
  assert.equal(el.attr('to'), undefined);
  assert.equal(el.getChild('occupant-id', 'urn:xmpp:occupant-id:0')?.attr('id'), 'o1');
  const r = el.getChild('retracted', NS_RETRACT)!;
  assert.equal(r.getChild('moderated', 'urn:xmpp:message-moderate:1')?.attr('by'), 'room@muc/Mod');
  assert.equal(r.getChildText('reason'), 'spam');
  assert.equal(el.getChild('body'), undefined);
});
