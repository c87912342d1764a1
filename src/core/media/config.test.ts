// The media options of the config schema: defaults, the derived upload domain, and refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../config/load.js';

test('media options have their documented defaults and the upload domain is derived', () => {
  const c = resolveConfig({ server_name: 'example.org' });
  assert.equal(c.media.max_upload_bytes, 52428800);
  assert.equal(c.media.user_quota_bytes, 1073741824);
  assert.equal(c.media.url_previews, false);
  assert.ok(c.media.url_preview_deny_ips.includes('127.0.0.0/8') && c.media.url_preview_deny_ips.includes('fe80::/10'));
  assert.deepEqual(c.media.url_preview_allow_ips, []);
  assert.equal(c.media.url_preview_max_bytes, 10485760);
  assert.equal(c.media.url_preview_timeout_ms, 10000);
  assert.equal(c.media.url_preview_max_redirects, 5);
  assert.equal(c.media.url_preview_cache_ms, 3600000);
  assert.equal(resolveConfig({ media: { url_previews: true, url_preview_allow_ips: ['127.0.0.1'] } }).media.url_previews, true);
  assert.equal(c.uploadDomain, 'upload.example.org');
  assert.equal(resolveConfig({ xmpp: { upload_domain: 'files.example.org' } }).uploadDomain, 'files.example.org');
  assert.equal(resolveConfig({ media: { user_quota_bytes: null } }).media.user_quota_bytes, null);
});

test('bad media options stop start-up with a message naming them', () => {
  assert.throws(() => resolveConfig({ media: { url_previews: 'yes' } }), (e: Error) => e instanceof ConfigError && /media\.url_previews/.test(e.message));
  assert.throws(() => resolveConfig({ media: { url_preview_allow_ips: ['localhost'] } }), /media\.url_preview_allow_ips/);
  assert.throws(() => resolveConfig({ media: { url_preview_deny_ips: ['10.0.0.0/40'] } }), /media\.url_preview_deny_ips/);
  assert.throws(() => resolveConfig({ media: { url_preview_max_redirects: 100 } }), /media\.url_preview_max_redirects/);
  assert.throws(() => resolveConfig({ media: { max_upload_bytes: 10 } }), /media\.max_upload_bytes/);
  assert.throws(() => resolveConfig({ media: { user_quota_bytes: -1 } }), /media\.user_quota_bytes/);
  assert.throws(() => resolveConfig({ media: { thumbnails: true } }), /unknown option 'media\.thumbnails'/);
  assert.throws(() => resolveConfig({ xmpp: { upload_domain: 'not a domain' } }), /xmpp\.upload_domain/);
});
