import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseThumbnailSize, originalIsSmaller, parseDimension } from './thumbnail-size.js';

test('requests snap up to the smallest recommended size that covers them', () => {
  assert.deepEqual(chooseThumbnailSize(32, 32, 'crop'), { width: 32, height: 32, method: 'crop' });
  assert.deepEqual(chooseThumbnailSize(40, 20, 'crop'), { width: 96, height: 96, method: 'crop' });
  assert.deepEqual(chooseThumbnailSize(300, 200, 'scale'), { width: 320, height: 240, method: 'scale' });
  assert.deepEqual(chooseThumbnailSize(321, 100, 'scale'), { width: 640, height: 480, method: 'scale' });
  // 320x240 is too small in height for 100x300: never return less than asked.
  assert.deepEqual(chooseThumbnailSize(100, 300, 'scale'), { width: 640, height: 480, method: 'scale' });
});

test('a request beyond every recommended size is its own size, capped', () => {
  assert.deepEqual(chooseThumbnailSize(120, 120, 'crop'), { width: 120, height: 120, method: 'crop' });
  assert.deepEqual(chooseThumbnailSize(5000, 900, 'scale'), { width: 2048, height: 900, method: 'scale' });
});

test('the original is served when it fits the box', () => {
  assert.ok(originalIsSmaller({ width: 20, height: 30 }, { width: 32, height: 32, method: 'crop' }));
  assert.ok(!originalIsSmaller({ width: 20, height: 33 }, { width: 32, height: 32, method: 'crop' }));
});

test('dimensions must be positive integers', () => {
  assert.equal(parseDimension('64'), 64);
  for (const bad of [null, '', '0', '-1', '1.5', 'abc', '1e3', '9999999']) assert.equal(parseDimension(bad), null, String(bad));
});
