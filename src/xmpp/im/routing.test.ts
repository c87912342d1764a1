// Message routing to a local account (RFC 6121 §8.5.2, §8.5.3), one scenario per rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageType, routeMessage, type SessionView } from './routing.js';

const phone: SessionView = { resource: 'phone', available: true, priority: 5 };
const laptop: SessionView = { resource: 'laptop', available: true, priority: 0 };
const away: SessionView = { resource: 'away', available: true, priority: -1 };
const silent: SessionView = { resource: 'silent', available: false, priority: 0 };

test('routing: to the bare JID, chat and normal reach every available resource with priority >= 0', () => {
  for (const type of ['chat', 'normal'] as const) {
    assert.deepEqual(routeMessage(type, null, [phone, laptop, away, silent]), { kind: 'deliver', resources: ['phone', 'laptop'] });
  }
});

test('routing: to the bare JID with only negative or unavailable resources, chat waits offline', () => {
  assert.deepEqual(routeMessage('chat', null, [away, silent]), { kind: 'offline' });
  assert.deepEqual(routeMessage('normal', null, []), { kind: 'offline' });
});

test('routing: groupchat to a user JID is an error, error messages are never answered', () => {
  assert.deepEqual(routeMessage('groupchat', null, [phone]), { kind: 'error', condition: 'service-unavailable' });
  assert.deepEqual(routeMessage('groupchat', null, []), { kind: 'error', condition: 'service-unavailable' });
  assert.deepEqual(routeMessage('error', null, [phone]), { kind: 'drop' });
});

test('routing: headline goes to available resources or nowhere', () => {
  assert.deepEqual(routeMessage('headline', null, [phone, away]), { kind: 'deliver', resources: ['phone'] });
  assert.deepEqual(routeMessage('headline', null, [away]), { kind: 'drop' });
});

test('routing: to a connected full JID, only that resource, even when not available', () => {
  assert.deepEqual(routeMessage('chat', 'laptop', [phone, laptop]), { kind: 'deliver', resources: ['laptop'] });
  assert.deepEqual(routeMessage('chat', 'silent', [phone, silent]), { kind: 'deliver', resources: ['silent'] });
  assert.deepEqual(routeMessage('groupchat', 'away', [away]), { kind: 'deliver', resources: ['away'] });
});

test('routing: to an unknown full JID, chat and normal are handled as for the bare JID', () => {
  assert.deepEqual(routeMessage('chat', 'gone', [phone, laptop]), { kind: 'deliver', resources: ['phone', 'laptop'] });
  assert.deepEqual(routeMessage('normal', 'gone', []), { kind: 'offline' });
  for (const type of ['groupchat', 'headline', 'error'] as const) assert.deepEqual(routeMessage(type, 'gone', [phone]), { kind: 'drop' });
});

test('routing: absent or unknown types are normal', () => {
  assert.equal(messageType(undefined), 'normal');
  assert.equal(messageType('bogus'), 'normal');
  assert.equal(messageType('chat'), 'chat');
});
