import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaError } from '../../core/media/errors.js';
import { contentDisposition, errorReply } from './reply.js';

test('only the spec\'s safe types are served inline', () => {
  assert.equal(contentDisposition('image/png', 'a.png'), 'inline; filename="a.png"');
  assert.equal(contentDisposition('text/plain; charset=utf-8', null), 'inline');
  assert.equal(contentDisposition('text/html', 'x.html'), 'attachment; filename="x.html"');
  assert.equal(contentDisposition('image/svg+xml', 'x.svg'), 'attachment; filename="x.svg"');
  assert.equal(contentDisposition('application/octet-stream', null), 'attachment');
});

test('file names that are not plain ASCII use the RFC 5987 form', () => {
  assert.equal(contentDisposition('image/png', 'café.png'), "inline; filename*=utf-8''caf%C3%A9.png");
  assert.equal(contentDisposition('image/png', 'a"b.png'), "inline; filename*=utf-8''a%22b.png");
});

test('media errors map to the spec\'s statuses and codes', () => {
  assert.deepEqual(errorReply(new MediaError('not_found', 'x')), { status: 404, body: { errcode: 'M_NOT_FOUND', error: 'x' } });
  assert.equal(errorReply(new MediaError('too_large', 'x'))!.status, 413);
  assert.equal(errorReply(new MediaError('quota_exceeded', 'x'))!.body.errcode, 'M_FORBIDDEN');
  assert.equal(errorReply(new MediaError('not_yet_uploaded', 'x'))!.status, 504);
  assert.equal(errorReply(new MediaError('cannot_overwrite', 'x'))!.body.errcode, 'M_CANNOT_OVERWRITE_MEDIA');
  assert.equal(errorReply(new Error('boom')), null);
});
