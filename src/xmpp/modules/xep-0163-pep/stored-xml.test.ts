import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamParser } from '../../xml/stream-parser.js';
import { x } from '../../xml/element.js';
import { loadXml, storeXml } from './stored-xml.js';

test('a stored payload comes back with every namespace written out', () => {
  const parser = new StreamParser();
  const events = parser.feed("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
    + "<iq><item><mood xmlns='http://jabber.org/protocol/mood'><happy/><text>a &amp; b</text></mood></item></iq>");
  const iq = events.find((e) => e.type === 'stanza')!;
  assert.equal(iq.type, 'stanza');
  const item = (iq as { element: ReturnType<typeof x> }).element.getChild('item')!;
  const mood = item.elements()[0]!;
  const back = loadXml(storeXml(mood, item.nsOf(mood)));
  assert.equal(back.toString(), "<mood xmlns=\"http://jabber.org/protocol/mood\"><happy xmlns=\"http://jabber.org/protocol/mood\"/><text xmlns=\"http://jabber.org/protocol/mood\">a &amp; b</text></mood>");
  // A built element with an inherited namespace gets it written out too.
  const built = x('data', { xmlns: 'urn:xmpp:avatar:data' }, 'AAAA');
  assert.equal(loadXml(storeXml(built, 'urn:xmpp:avatar:data')).xmlns, 'urn:xmpp:avatar:data');
});
