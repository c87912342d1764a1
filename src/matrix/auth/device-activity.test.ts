import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, DeviceActivity, type DeviceSighting } from './device-activity.js';

test('device activity: written at first sight, then only on a new address or client, or after the throttle', () => {
  const writes: [string, string, DeviceSighting][] = [];
  const a = new DeviceActivity((u, d, s) => writes.push([u, d, s]), 1000);
  a.seen('@a:h', 'D1', '10.0.0.1', 'Element', 0);
  a.seen('@a:h', 'D1', '10.0.0.1', 'Element', 500);
  assert.equal(writes.length, 1);
  a.seen('@a:h', 'D1', '10.0.0.2', 'Element', 600);
  a.seen('@a:h', 'D1', '10.0.0.2', 'Element X', 700);
  a.seen('@a:h', 'D2', '10.0.0.2', 'Element X', 700);
  assert.equal(writes.length, 4);
  a.seen('@a:h', 'D1', '10.0.0.2', 'Element X', 1699);
  assert.equal(writes.length, 4);
  a.seen('@a:h', 'D1', '10.0.0.2', 'Element X', 1700);
  assert.deepEqual(writes.at(-1), ['@a:h', 'D1', { ts: 1700, ip: '10.0.0.2', userAgent: 'Element X' }]);
  a.seen('@a:h', 'D3', null, 'x'.repeat(2000), 0);
  assert.equal(writes.at(-1)![2].userAgent!.length, 512);
});

test('device activity: the client address, through a loopback proxy only', () => {
  assert.equal(clientAddress('203.0.113.5', '198.51.100.1'), '203.0.113.5', 'a remote peer cannot claim another address');
  assert.equal(clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.9'), '203.0.113.9', 'the address the proxy saw');
  assert.equal(clientAddress('::ffff:127.0.0.1', undefined), '127.0.0.1');
  assert.equal(clientAddress('::1', ['198.51.100.7']), '198.51.100.7');
  assert.equal(clientAddress('::1', ' , '), '::1');
  assert.equal(clientAddress(undefined, undefined), null);
});
