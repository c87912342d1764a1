import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../xml/element.js';
import { NS_VCARD_UPDATE, withPhotoHash } from './xep-0153-vcard-avatars.js';

test('available presence gets the photo hash; a client photo element and other types are left alone', () => {
  const out = withPhotoHash(x('presence', {}, x('show', {}, 'away')), 'abc')!;
  assert.equal(out.getChild('x', NS_VCARD_UPDATE)!.getChildText('photo'), 'abc');
  assert.equal(out.getChildText('show'), 'away');
  assert.equal(withPhotoHash(x('presence', {}, x('x', { xmlns: NS_VCARD_UPDATE }, x('photo'))), 'abc'), null);
  assert.equal(withPhotoHash(x('presence', { type: 'unavailable' }), 'abc'), null);
  const overwritten = withPhotoHash(x('presence', {}, x('x', { xmlns: NS_VCARD_UPDATE })), null)!;
  assert.equal(overwritten.getChildren('x').length, 1);
  assert.equal(overwritten.getChild('x')!.getChildText('photo'), '');
});
