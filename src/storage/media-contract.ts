// The media store's part of the storage contract (called from runStorageContract).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MediaRecord, Storage } from '../core/ports.js';

const pending = (id: string, uploader: string, expiresTs: number): MediaRecord => ({
  mediaId: id, uploader, createdTs: 1, sha256: null, size: null, contentType: null, filename: null, expiresTs,
});

export function runMediaStoreContract(name: string, open: () => Storage): void {
  test(`${name}: media records are created once, completed once, and counted per uploader`, () => {
    const s = open();
    const sha = 'a'.repeat(64);
    assert.equal(s.media.create({ ...pending('m1', '@a:h', 0), sha256: sha, size: 10, contentType: 'text/plain', filename: 'a.txt', expiresTs: null }), true);
    assert.equal(s.media.create(pending('m1', '@b:h', 0)), false);
    assert.equal(s.media.get('m1')!.filename, 'a.txt');
    assert.equal(s.media.get('nope'), null);
    assert.equal(s.media.create(pending('m2', '@a:h', 500)), true);
    assert.equal(s.media.create(pending('m3', '@a:h', 50)), true);
    assert.equal(s.media.pendingCount('@a:h', 100), 1);
    assert.equal(s.media.usage('@a:h'), 10);
    assert.equal(s.media.complete('m2', { sha256: sha, size: 7, contentType: 'image/png', filename: null }), true);
    assert.equal(s.media.complete('m2', { sha256: sha, size: 8, contentType: 'image/png', filename: null }), false);
    assert.equal(s.media.complete('m1', { sha256: sha, size: 8, contentType: 'image/png', filename: null }), false);
    const m2 = s.media.get('m2')!;
    assert.equal(m2.size, 7);
    assert.equal(m2.expiresTs, null);
    assert.equal(s.media.usage('@a:h'), 17);
    assert.equal(s.media.usage('@b:h'), 0);
  });

  test(`${name}: thumbnails are cached per size, method and animation`, () => {
    const s = open();
    const t = { mediaId: 'm1', width: 32, height: 32, method: 'crop' as const, animated: false, sha256: 'b'.repeat(64), size: 5, contentType: 'image/png' };
    s.media.putThumbnail(t);
    assert.deepEqual(s.media.thumbnail('m1', 32, 32, 'crop', false), t);
    assert.equal(s.media.thumbnail('m1', 32, 32, 'scale', false), null);
    assert.equal(s.media.thumbnail('m1', 32, 32, 'crop', true), null);
  });
}
