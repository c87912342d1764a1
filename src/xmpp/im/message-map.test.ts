// Stanza <-> event mapping for one-to-one messages: what maps, what is kept whole, what the
// server refuses to take from a sender.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamParser } from '../xml/stream-parser.js';
import type { XmlElement } from '../xml/element.js';
import { contentToMessage, messageToContent, readExtras, XMPP_CONTENT_KEY } from './message-map.js';

const D = 'example.org';

/** Parses a stanza as it would arrive on a client stream. */
function stanza(xml: string): XmlElement {
  const p = new StreamParser();
  p.feed("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
  const [ev] = p.feed(xml);
  assert.equal(ev?.type, 'stanza');
  return (ev as { element: XmlElement }).element;
}

const deliver = { eventId: '$ev1', from: 'alice@example.org/phone', to: 'bob@example.org', archive: 'bob@example.org', domain: D };

test('message map: body becomes m.text, id and resources are kept', () => {
  const el = stanza("<message type='chat' id='m1' to='bob@example.org/pc'><body>hi &amp; bye</body></message>");
  const content = messageToContent(el, { domain: D, fromResource: 'phone', toResource: 'pc' })!;
  assert.deepEqual(content, {
    msgtype: 'm.text', body: 'hi & bye',
    [XMPP_CONTENT_KEY]: { id: 'm1', to_resource: 'pc', from_resource: 'phone' },
  });
});

test('message map: no body, no event', () => {
  const el = stanza("<message type='chat'><active xmlns='http://jabber.org/protocol/chatstates'/></message>");
  assert.equal(messageToContent(el, { domain: D }), null);
});

test('message map: unknown extensions survive the round trip whole', () => {
  const el = stanza("<message type='chat' id='m2'><body>secret</body>"
    + "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='7'><iv>AAA=</iv></header><payload>Zm9v</payload></encrypted>"
    + "<origin-id xmlns='urn:xmpp:sid:0' id='o-1'/><thread>t-9</thread>"
    + "<x:custom xmlns:x='urn:example:x' a='1'>text<x:inner/></x:custom></message>");
  const content = messageToContent(el, { domain: D, fromResource: 'phone' })!;
  const back = contentToMessage(content, deliver)!;
  const wire = back.toString();
  const again = stanza(wire);
  assert.equal(again.attr('id'), 'm2');
  assert.equal(again.attr('type'), 'chat');
  assert.equal(again.getChildText('body'), 'secret');
  const enc = again.getChild('encrypted', 'eu.siacs.conversations.axolotl')!;
  assert.equal(enc.getChild('header')!.attr('sid'), '7');
  assert.equal(enc.getChild('header')!.getChildText('iv'), 'AAA=');
  assert.equal(enc.getChildText('payload'), 'Zm9v');
  assert.equal(again.getChild('origin-id', 'urn:xmpp:sid:0')!.attr('id'), 'o-1');
  assert.equal(again.getChildText('thread', 'jabber:client'), 't-9');
  const custom = again.getChild('custom', 'urn:example:x')!;
  assert.equal(custom.attr('a'), '1');
  assert.equal(custom.text(), 'text');
  assert.ok(custom.getChild('inner', 'urn:example:x'));
  const sid = again.getChild('stanza-id', 'urn:xmpp:sid:0')!;
  assert.deepEqual([sid.attr('by'), sid.attr('id')], ['bob@example.org', '$ev1']);
});

test('message map: a sender cannot forge our stanza-id or delay; foreign ones stay', () => {
  const el = stanza("<message type='chat'><body>x</body>"
    + "<stanza-id xmlns='urn:xmpp:sid:0' by='bob@example.org' id='forged'/>"
    + "<stanza-id xmlns='urn:xmpp:sid:0' by='other.example' id='theirs'/>"
    + "<delay xmlns='urn:xmpp:delay' stamp='2001-01-01T00:00:00Z'/></message>");
  const content = messageToContent(el, { domain: D })!;
  const payload = readExtras(content).payload ?? [];
  assert.equal(payload.length, 1);
  assert.match(payload[0]!, /theirs/);
  const back = stanza(contentToMessage(content, deliver)!.toString());
  assert.deepEqual(back.getChildren('stanza-id', 'urn:xmpp:sid:0').map((s) => s.attr('id')), ['theirs', '$ev1']);
});

test('message map: payload written by a Matrix client is parsed, never pasted', () => {
  const content = {
    msgtype: 'm.text', body: 'hello',
    [XMPP_CONTENT_KEY]: { payload: ['</message><iq type="set"/>', '<ok xmlns="urn:x"/>', "<stanza-id xmlns='urn:xmpp:sid:0' by='example.org' id='f'/>", 42] },
  };
  const back = stanza(contentToMessage(content as never, deliver)!.toString());
  assert.deepEqual(back.elements().map((e) => e.name), ['body', 'ok', 'stanza-id']);
  assert.equal(back.getChild('stanza-id', 'urn:xmpp:sid:0')!.attr('id'), '$ev1');
});

test('message map: emotes, normal messages, Matrix-born events and offline delay', () => {
  const el = stanza("<message><body>/me waves</body></message>");
  const content = messageToContent(el, { domain: D })!;
  assert.equal(content.msgtype, 'm.emote');
  assert.equal(content.body, 'waves');
  const back = contentToMessage(content, { ...deliver, delayedSince: Date.UTC(2024, 0, 2, 3, 4, 5) })!;
  assert.equal(back.attr('type'), 'normal');
  assert.equal(back.attr('id'), '$ev1');
  assert.equal(back.getChildText('body'), '/me waves');
  const delay = back.getChild('delay', 'urn:xmpp:delay')!;
  assert.deepEqual([delay.attr('from'), delay.attr('stamp')], [D, '2024-01-02T03:04:05.000Z']);

  const fromMatrix = contentToMessage({ msgtype: 'm.text', body: 'from Element' }, deliver)!;
  assert.equal(fromMatrix.attr('type'), 'chat');
  assert.equal(contentToMessage({ msgtype: 'm.text' }, deliver), null);
});
