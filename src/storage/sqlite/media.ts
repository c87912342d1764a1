// Media metadata: uploads and cached thumbnails (the bytes are files, see core/media/).
import type Database from 'better-sqlite3';
import type { MediaRecord, MediaStore, ThumbnailRecord } from '../../core/ports.js';

interface MediaRow {
  media_id: string; uploader: string; created_ts: number; sha256: string | null; size: number | null;
  content_type: string | null; filename: string | null; expires_ts: number | null;
}

interface ThumbRow {
  media_id: string; width: number; height: number; method: string; animated: number;
  sha256: string; size: number; content_type: string;
}

const toRecord = (r: MediaRow): MediaRecord => ({
  mediaId: r.media_id, uploader: r.uploader, createdTs: r.created_ts, sha256: r.sha256, size: r.size,
  contentType: r.content_type, filename: r.filename, expiresTs: r.expires_ts,
});

const toThumb = (r: ThumbRow): ThumbnailRecord => ({
  mediaId: r.media_id, width: r.width, height: r.height, method: r.method as 'crop' | 'scale',
  animated: r.animated === 1, sha256: r.sha256, size: r.size, contentType: r.content_type,
});

export function sqliteMediaStore(db: Database.Database): MediaStore {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO media (media_id, uploader, created_ts, sha256, size, content_type, filename, expires_ts)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const get = db.prepare<[string], MediaRow>('SELECT * FROM media WHERE media_id = ?');
  const complete = db.prepare(
    `UPDATE media SET sha256 = ?, size = ?, content_type = ?, filename = ?, expires_ts = NULL
     WHERE media_id = ? AND sha256 IS NULL`);
  const usage = db.prepare<[string], { total: number | null }>('SELECT SUM(size) AS total FROM media WHERE uploader = ? AND sha256 IS NOT NULL');
  const pending = db.prepare<[string, number], { n: number }>(
    'SELECT COUNT(*) AS n FROM media WHERE uploader = ? AND sha256 IS NULL AND expires_ts > ?');
  const thumb = db.prepare<[string, number, number, string, number], ThumbRow>(
    'SELECT * FROM media_thumbnails WHERE media_id = ? AND width = ? AND height = ? AND method = ? AND animated = ?');
  const putThumb = db.prepare(
    `INSERT OR REPLACE INTO media_thumbnails (media_id, width, height, method, animated, sha256, size, content_type)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  return {
    create: (r) => insert.run(r.mediaId, r.uploader, r.createdTs, r.sha256, r.size, r.contentType, r.filename, r.expiresTs).changes === 1,
    get(mediaId) {
      const r = get.get(mediaId);
      return r ? toRecord(r) : null;
    },
    complete: (id, c) => complete.run(c.sha256, c.size, c.contentType, c.filename, id).changes === 1,
    usage: (uploader) => usage.get(uploader)?.total ?? 0,
    pendingCount: (uploader, now) => pending.get(uploader, now)?.n ?? 0,
    thumbnail(mediaId, w, h, method, animated) {
      const r = thumb.get(mediaId, w, h, method, animated ? 1 : 0);
      return r ? toThumb(r) : null;
    },
    putThumbnail(t) {
      putThumb.run(t.mediaId, t.width, t.height, t.method, t.animated ? 1 : 0, t.sha256, t.size, t.contentType);
    },
  };
}
