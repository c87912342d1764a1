import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecureRequest, offersXmppSubprotocol } from './websocket.js';

const LOOPBACK = ['127.0.0.1', '::1'];

test('a loopback peer without proxy headers is private; with X-Forwarded-Proto the header decides', () => {
  assert.equal(isSecureRequest('127.0.0.1', {}, LOOPBACK), true);
  assert.equal(isSecureRequest('::ffff:127.0.0.1', {}, LOOPBACK), true);
  assert.equal(isSecureRequest('127.0.0.1', { 'x-forwarded-proto': 'https' }, LOOPBACK), true);
  assert.equal(isSecureRequest('127.0.0.1', { 'x-forwarded-proto': 'http' }, LOOPBACK), false);
  assert.equal(isSecureRequest('127.0.0.1', { 'x-forwarded-proto': 'https, http' }, LOOPBACK), true);
});

test('only trusted proxies are believed', () => {
  assert.equal(isSecureRequest('203.0.113.5', { 'x-forwarded-proto': 'https' }, LOOPBACK), false);
  assert.equal(isSecureRequest('10.0.0.2', { 'x-forwarded-proto': 'https' }, [...LOOPBACK, '10.0.0.2']), true);
  assert.equal(isSecureRequest('10.0.0.2', {}, [...LOOPBACK, '10.0.0.2']), false, 'a remote proxy must say https');
  assert.equal(isSecureRequest('127.0.0.1', {}, []), false);
  assert.equal(isSecureRequest(undefined, {}, LOOPBACK), false);
});

test('the xmpp subprotocol must be offered', () => {
  assert.equal(offersXmppSubprotocol('xmpp'), true);
  assert.equal(offersXmppSubprotocol('chat, xmpp'), true);
  assert.equal(offersXmppSubprotocol('xmpps'), false);
  assert.equal(offersXmppSubprotocol(undefined), false);
});
