import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFragment } from './payload.js';
import { chatStateStanza, isTyping, NS_CHATSTATES, readChatState } from './chat-states.js';
import { x } from '../xml/element.js';

const msg = (inner: string) => parseFragment(`<message xmlns='jabber:client' type='chat'>${inner}</message>`)!;

test('readChatState: each XEP-0085 state, in its namespace only', () => {
  for (const s of ['active', 'composing', 'paused', 'inactive', 'gone'] as const) {
    assert.equal(readChatState(msg(`<${s} xmlns='${NS_CHATSTATES}'/>`)), s);
  }
  assert.equal(readChatState(msg(`<composing xmlns='urn:other'/>`)), null);
  assert.equal(readChatState(msg(`<typing xmlns='${NS_CHATSTATES}'/>`)), null);
  assert.equal(readChatState(msg('<body>hi</body>')), null);
});

test('only composing is typing', () => {
  assert.equal(isTyping('composing'), true);
  for (const s of ['active', 'paused', 'inactive', 'gone'] as const) assert.equal(isTyping(s), false);
});

test('chatStateStanza: composing or paused, never stored', () => {
  const on = chatStateStanza({ from: 'a@d', to: 'b@d', typing: true });
  assert.equal(on.attr('type'), 'chat');
  assert.ok(on.getChild('composing', NS_CHATSTATES));
  assert.ok(on.getChild('no-store', 'urn:xmpp:hints'));
  assert.equal(on.getChild('body'), undefined);
  assert.ok(chatStateStanza({ from: 'a@d', to: 'b@d', typing: false }).getChild('paused', NS_CHATSTATES));
});

test('chatStateStanza in a room: groupchat, with the typer\'s occupant id', () => {
  const el = chatStateStanza({ from: 'r@muc/Ann', to: 'b@d/x', typing: true, type: 'groupchat', extra: [x('occupant-id', { xmlns: 'urn:xmpp:occupant-id:0', id: 'o1' })] });
  assert.equal(el.attr('type'), 'groupchat');
  assert.ok(el.getChild('composing', NS_CHATSTATES));
  assert.equal(el.getChild('occupant-id', 'urn:xmpp:occupant-id:0')?.attr('id'), 'o1');
});
