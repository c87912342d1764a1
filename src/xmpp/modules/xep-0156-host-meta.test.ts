import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostMetaJson, hostMetaXml, websocketUrlFor } from './xep-0156-host-meta.js';

test('the WebSocket URL follows the public base URL scheme', () => {
  assert.equal(websocketUrlFor('https://chat.example.org', '/xmpp-websocket'), 'wss://chat.example.org/xmpp-websocket');
  assert.equal(websocketUrlFor('http://127.0.0.1:8008/', '/xmpp-websocket'), 'ws://127.0.0.1:8008/xmpp-websocket');
});

test('XRD and JRD carry the same link, escaped', () => {
  assert.match(hostMetaXml("wss://a.example/x?'"), /<Link rel='urn:xmpp:alt-connections:websocket' href='wss:\/\/a\.example\/x\?&apos;'\/>/);
  assert.deepEqual(JSON.parse(hostMetaJson('wss://a.example/x')), { links: [{ rel: 'urn:xmpp:alt-connections:websocket', href: 'wss://a.example/x' }] });
});
