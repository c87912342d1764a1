import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../xml/element.js';
import { emptyVcard, nameOf, photoOf, withName, withPhoto } from './xep-0054-vcard-model.js';

test('the name comes from NICKNAME, else FN, else none', () => {
  assert.equal(nameOf(x('vCard', {}, x('FN', {}, 'Full'), x('NICKNAME', {}, ' Nick '))), 'Nick');
  assert.equal(nameOf(x('vCard', {}, x('FN', {}, 'Full'))), 'Full');
  assert.equal(nameOf(x('vCard', {}, x('NICKNAME', {}, '  '))), null);
});

test('withName replaces the nickname and an FN that only mirrored it, keeps a real FN', () => {
  const v = withName(x('vCard', {}, x('FN', {}, 'al'), x('NICKNAME', {}, 'al'), x('EMAIL')), 'Alice');
  assert.equal(v.getChildText('FN'), 'Alice');
  assert.equal(v.getChildText('NICKNAME'), 'Alice');
  assert.ok(v.getChild('EMAIL'));
  const kept = withName(x('vCard', {}, x('FN', {}, 'Alice Smith'), x('NICKNAME', {}, 'al')), 'Ally');
  assert.equal(kept.getChildText('FN'), 'Alice Smith');
  assert.equal(kept.getChildText('NICKNAME'), 'Ally');
  assert.equal(withName(emptyVcard(), 'Bo').getChildren('FN').length, 1);
});

test('photos: hash of the bytes, bad base64 is no photo, replace and remove', () => {
  const v = withPhoto(emptyVcard(), { type: 'image/png', base64: Buffer.from('abc').toString('base64') });
  const p = photoOf(v)!;
  assert.equal(p.sha1, 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(p.bytes, 3);
  assert.equal(photoOf(x('vCard', {}, x('PHOTO', {}, x('BINVAL', {}, '!!!')))), null);
  assert.equal(photoOf(withPhoto(v, null)), null);
});
