import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { serviceElement, turnRestCredentials } from './xep-0215-extdisco.js';
import { serverInfoFields } from './xep-0157-contact.js';

test('TURN REST credentials: expiry:account and HMAC-SHA1 of it', () => {
  const c = turnRestCredentials('s3cret', 'alice', 1700000000);
  assert.equal(c.username, '1700000000:alice');
  assert.equal(c.password, createHmac('sha1', 's3cret').update('1700000000:alice').digest('base64'));
});

test('a service element: plain, with credentials, restricted without an account', () => {
  const now = Date.UTC(2024, 0, 1);
  assert.equal(serviceElement({ type: 'stun', host: 'stun.example', port: 3478, transport: 'udp', ttl_seconds: 60 }, 'a', now).toString(),
    '<service type="stun" host="stun.example" port="3478" transport="udp"/>');
  const turn = serviceElement({ type: 'turn', host: 'turn.example', secret: 'k', ttl_seconds: 3600 }, 'alice', now);
  assert.equal(turn.attr('username'), `${now / 1000 + 3600}:alice`);
  assert.equal(turn.attr('expires'), '2024-01-01T01:00:00Z');
  assert.ok(turn.attr('password'));
  assert.equal(serviceElement({ type: 'turn', host: 't', secret: 'k', ttl_seconds: 60 }, null, now).attr('restricted'), 'true');
});

test('XEP-0157 fields: one per kind, empty kinds left out', () => {
  assert.deepEqual(serverInfoFields({ support: ['xmpp:help@example.org'], abuse: ['mailto:abuse@example.org'], sales: [] }),
    { 'abuse-addresses': ['mailto:abuse@example.org'], 'support-addresses': ['xmpp:help@example.org'] });
});
