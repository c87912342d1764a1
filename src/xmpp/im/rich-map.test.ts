// Reactions, corrections and replies between stanzas and Matrix relations (pure half).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamParser } from '../xml/stream-parser.js';
import type { XmlElement } from '../xml/element.js';
import { contentToMessage, messageToContent } from './message-map.js';
import {
  annotationOf, asReplacement, asReply, NS_CORRECT, originIdOf, NS_REACTIONS, NS_REPLY, reactionContent, reactionDiff, reactionsStanza,
  readReactions, readRelations, relationOf, stripReplyFallback, withRelationElements,
} from './rich-map.js';

const D = 'example.org';

function stanza(xml: string): XmlElement {
  const p = new StreamParser();
  p.feed("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
  const [ev] = p.feed(xml);
  assert.equal(ev?.type, 'stanza');
  return (ev as { element: XmlElement }).element;
}

test('rich map: a reactions stanza is the target id and the deduplicated set', () => {
  const el = stanza(`<message type='chat'><reactions xmlns='${NS_REACTIONS}' id='$e1'><reaction>👍</reaction><reaction>👍</reaction><reaction>🐢</reaction><reaction/></reactions></message>`);
  assert.deepEqual(readReactions(el), { id: '$e1', keys: ['👍', '🐢'] });
  assert.equal(readReactions(stanza("<message><body>x</body></message>")), null);
  assert.equal(readReactions(stanza(`<message><reactions xmlns='${NS_REACTIONS}'/></message>`)), null, 'no id, no target');
});

test('rich map: the full set is diffed against what the sender holds', () => {
  const held = [{ eventId: '$r1', key: '👍' }, { eventId: '$r2', key: '🐢' }];
  assert.deepEqual(reactionDiff(held, ['👍', '🎉']), { add: ['🎉'], redact: ['$r2'] });
  assert.deepEqual(reactionDiff(held, []), { add: [], redact: ['$r1', '$r2'] }, 'an empty set withdraws all');
  assert.deepEqual(reactionDiff([], ['a']), { add: ['a'], redact: [] });
});

test('rich map: m.reaction content and the stanza back', () => {
  const c = reactionContent('$t', '👍');
  assert.deepEqual(c, { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$t', key: '👍' } });
  assert.deepEqual(annotationOf(c), { eventId: '$t', key: '👍' });
  assert.equal(annotationOf({ 'm.relates_to': { rel_type: 'm.annotation', event_id: '$t' } }), null);
  const el = reactionsStanza({ id: 'r1', from: 'a@x', to: 'b@x', targetId: 'm1', keys: ['👍', '🐢'] });
  assert.deepEqual([el.attr('type'), el.attr('id'), el.attr('from'), el.attr('to')], ['chat', 'r1', 'a@x', 'b@x']);
  assert.ok(el.getChild('store', 'urn:xmpp:hints'), 'bodyless: asks archives to keep it');
  const back = stanza(el.toString());
  assert.deepEqual(readReactions(back), { id: 'm1', keys: ['👍', '🐢'] });
});

test('rich map: a correction becomes m.replace with m.new_content and a "* " body', () => {
  const el = stanza(`<message type='chat' id='m2'><body>fixed</body><replace xmlns='${NS_CORRECT}' id='m1'/></message>`);
  assert.deepEqual(readRelations(el), { replaceId: 'm1' });
  const content = messageToContent(el, { domain: D })!;
  assert.deepEqual(content['org.hearth.xmpp'], { id: 'm2' }, 'the replace element is mapped, not kept as payload');
  const edit = asReplacement(content, '$t');
  assert.equal(edit.body, '* fixed');
  assert.deepEqual(edit['m.new_content'], { msgtype: 'm.text', body: 'fixed' });
  assert.deepEqual(edit['m.relates_to'], { rel_type: 'm.replace', event_id: '$t' });
  assert.deepEqual(relationOf(edit), { replaces: '$t' });
  const out = contentToMessage(edit, { eventId: '$e2', from: 'a@x', to: 'b@x', archive: 'b@x', domain: D })!;
  assert.equal(out.getChildText('body'), 'fixed', 'XMPP gets the new text, not the "* " fallback');
  const marked = withRelationElements(out, { replaceId: 'm1' });
  assert.equal(marked.getChild('replace', NS_CORRECT)?.attr('id'), 'm1');
});

test('rich map: a reply drops its XEP-0428 quote and becomes m.in_reply_to', () => {
  const body = '> hello\nyes';
  const el = stanza(`<message type='chat'><body>${body}</body><reply xmlns='${NS_REPLY}' to='a@x' id='m1'/>`
    + `<fallback xmlns='urn:xmpp:fallback:0' for='${NS_REPLY}'><body start='0' end='8'/></fallback></message>`);
  assert.deepEqual(readRelations(el), { replyId: 'm1' });
  assert.equal(stripReplyFallback(el, body), 'yes');
  const content = messageToContent(el, { domain: D })!;
  assert.equal(content.body, 'yes');
  assert.deepEqual(content['org.hearth.xmpp'], {}, 'reply and fallback are mapped, not kept');
  const reply = asReply(content, '$t');
  assert.deepEqual(reply['m.relates_to'], { 'm.in_reply_to': { event_id: '$t' } });
  assert.deepEqual(relationOf(reply), { inReplyTo: '$t' });
  const out = withRelationElements(contentToMessage(reply, { eventId: '$e3', from: 'a@x', to: 'b@x', archive: 'b@x', domain: D })!, { reply: { id: 'm1', to: 'a@x' } });
  const r = out.getChild('reply', NS_REPLY)!;
  assert.deepEqual([r.attr('id'), r.attr('to')], ['m1', 'a@x']);
});

test('rich map: code points, not UTF-16 units, count in fallback ranges', () => {
  const el = stanza(`<message><body>🐢🐢ok</body><reply xmlns='${NS_REPLY}' id='x'/><fallback xmlns='urn:xmpp:fallback:0' for='${NS_REPLY}'><body start='0' end='2'/></fallback></message>`);
  assert.equal(stripReplyFallback(el, '🐢🐢ok'), 'ok');
});

test('rich map: the origin-id kept in a message payload is found', () => {
  const el = stanza("<message type='chat' id='m1'><body>x</body><origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>");
  const content = messageToContent(el, { domain: D })!;
  const payload = (content['org.hearth.xmpp'] as { payload: string[] }).payload;
  assert.equal(originIdOf(payload), 'o1');
  assert.equal(originIdOf(['<thread>t</thread>']), undefined);
  assert.equal(originIdOf(undefined), undefined);
});
