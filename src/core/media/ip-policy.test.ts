import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DENIED_RANGES, IpPolicy, isRange } from './ip-policy.js';

describe('URL preview address policy', () => {
  const policy = new IpPolicy(DEFAULT_DENIED_RANGES, []);

  it('refuses loopback, private, link-local and reserved addresses by default', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1']) {
      assert.equal(policy.permits(ip), false, ip);
    }
  });

  it('lets public addresses through', () => {
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) assert.equal(policy.permits(ip), true, ip);
  });

  it('an allow entry wins over the deny list; anything not an address is refused', () => {
    const p = new IpPolicy(DEFAULT_DENIED_RANGES, ['127.0.0.1']);
    assert.equal(p.permits('127.0.0.1'), true);
    assert.equal(p.permits('127.0.0.2'), false);
    assert.equal(p.permits('localhost'), false);
    const custom = new IpPolicy(['8.8.8.0/24'], []);
    assert.equal(custom.permits('8.8.8.8'), false);
    assert.equal(custom.permits('127.0.0.1'), true, 'a deny list given in full replaces the default');
  });

  it('knows a range when it sees one', () => {
    for (const r of ['10.0.0.0/8', '127.0.0.1', '::1', 'fe80::/10']) assert.ok(isRange(r), r);
    for (const r of ['10.0.0.0/33', 'example.org', '10.0.0.0/8/1', '::/129', '1.2.3.4/x']) assert.ok(!isRange(r), r);
  });
});
