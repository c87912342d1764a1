// The media options of the config schema: defaults, the derived upload domain, and refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../config/load.js';

test('media options have their documented defaults and the upload domain is derived', () => {
  const c = resolveConfig({ server_name: 'example.org' });
  assert.equal(c.media.max_upload_bytes, 52428800);
  assert.equal(c.media.user_quota_bytes, 1073741824);
  assert.equal(c.media.url_previews, false);
  assert.equal(c.uploadDomain, 'upload.example.org');
  assert.equal(resolveConfig({ xmpp: { upload_domain: 'files.example.org' } }).uploadDomain, 'files.example.org');
  assert.equal(resolveConfig({ media: { user_quota_bytes: null } }).media.user_quota_bytes, null);
});

test('bad media options stop start-up with a message naming them', () => {
  assert.throws(() => resolveConfig({ media: { url_previews: true } }), (e: Error) => e instanceof ConfigError && /media\.url_previews/.test(e.message));
  assert.throws(() => resolveConfig({ media: { max_upload_bytes: 10 } }), /media\.max_upload_bytes/);
  assert.throws(() => resolveConfig({ media: { user_quota_bytes: -1 } }), /media\.user_quota_bytes/);
  assert.throws(() => resolveConfig({ media: { thumbnails: true } }), /unknown option 'media\.thumbnails'/);
  assert.throws(() => resolveConfig({ xmpp: { upload_domain: 'not a domain' } }), /xmpp\.upload_domain/);
});
