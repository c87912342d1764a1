// The media store both protocols serve: the Matrix media repository (upload, async upload,
// download, thumbnails) and XEP-0363 HTTP upload slots. Bytes are content-addressed files
// (ContentFiles), metadata sits behind the MediaStore port, and written through the write queue
// so an mxc:// URI handed out survives a crash.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import type { MediaRecord, Storage, ThumbnailRecord } from '../ports.js';
import { ContentFiles } from './content-files.js';
import { MediaError } from './errors.js';
import { isValidMediaId, newMediaId } from './ids.js';
import { SlotSigner } from './slots.js';
import { chooseThumbnailSize, originalIsSmaller, type ThumbnailMethod } from './thumbnail-size.js';
import { canAnimate, imageSize, makeThumbnail, THUMBNAILABLE } from './thumbnailer.js';
import { PendingWaiters } from './waiters.js';

export interface UploadMeta {
  contentType: string;
  filename: string | null;
  /** Content-Length when the client sent one: checked before reading a byte. */
  declaredLength: number | null;
}

export interface ServedFile { path: string; contentType: string; size: number; filename: string | null }

/** Spec: the recommended expiry of an unused created mxc:// id. */
const CREATE_TTL_MS = 24 * 3600 * 1000;
/** XEP-0363 §8: around 300 s; clients PUT right after asking. */
const SLOT_TTL_MS = 5 * 60 * 1000;
/** Spec (create): servers should limit a user's concurrent pending uploads. */
const MAX_PENDING = 20;

export function loadOrCreateMediaKey(mediaDir: string): Buffer {
  const path = join(mediaDir, 'url-signing.key');
  if (existsSync(path)) return readFileSync(path);
  const key = randomBytes(32);
  writeFileSync(path, key, { mode: 0o600 });
  return key;
}

export class MediaService {
  readonly files: ContentFiles;
  readonly signer: SlotSigner;
  private readonly waiters = new PendingWaiters();
  private baseUrl: () => string;

  constructor(private readonly config: ResolvedConfig, private readonly storage: Storage) {
    const dir = resolve(config.data_dir, 'media');
    mkdirSync(dir, { recursive: true });
    this.files = new ContentFiles(dir);
    this.signer = new SlotSigner(loadOrCreateMediaKey(dir));
    this.baseUrl = () => config.publicBaseUrl;
  }

  get serverName(): string { return this.config.server_name; }
  get maxUploadBytes(): number { return this.config.media.max_upload_bytes; }

  /** The HTTP front end tells where it really listens (tests bind port 0). */
  setPublicBaseUrl(fn: () => string): void { this.baseUrl = fn; }
  publicBaseUrl(): string { return this.baseUrl().replace(/\/+$/, ''); }

  /** POST /upload: stores the bytes under a new id. */
  async upload(user: string, source: AsyncIterable<Uint8Array>, meta: UploadMeta): Promise<string> {
    const stored = await this.ingest(user, source, meta.declaredLength);
    const mediaId = newMediaId();
    const rec: MediaRecord = {
      mediaId, uploader: user, createdTs: Date.now(), sha256: stored.sha256, size: stored.size,
      contentType: meta.contentType, filename: meta.filename, expiresTs: null,
    };
    await this.storage.writes.enqueue(() => { this.storage.media.create(rec); });
    return mediaId;
  }

  /** POST /create: an id whose bytes come later. */
  async createPending(user: string, ttlMs = CREATE_TTL_MS): Promise<{ mediaId: string; expiresTs: number }> {
    const now = Date.now();
    if (this.storage.media.pendingCount(user, now) >= MAX_PENDING) throw new MediaError('too_many_pending', 'Too many pending uploads');
    const mediaId = newMediaId();
    const expiresTs = now + ttlMs;
    const rec: MediaRecord = { mediaId, uploader: user, createdTs: now, sha256: null, size: null, contentType: null, filename: null, expiresTs };
    await this.storage.writes.enqueue(() => { this.storage.media.create(rec); });
    return { mediaId, expiresTs };
  }

  /** PUT /upload/{server}/{id}: fills a created id; only its creator may. */
  async uploadTo(mediaId: string, user: string, source: AsyncIterable<Uint8Array>, meta: UploadMeta): Promise<void> {
    const rec = isValidMediaId(mediaId) ? this.storage.media.get(mediaId) : null;
    if (!rec || (rec.sha256 === null && rec.expiresTs !== null && rec.expiresTs < Date.now())) throw new MediaError('not_found', 'Unknown media ID');
    if (rec.uploader !== user) throw new MediaError('forbidden', 'This media ID was created by another user');
    if (rec.sha256 !== null) throw new MediaError('cannot_overwrite', 'Media already uploaded');
    const stored = await this.ingest(user, source, meta.declaredLength);
    let done = false;
    await this.storage.writes.enqueue(() => {
      done = this.storage.media.complete(mediaId, { ...stored, contentType: meta.contentType, filename: meta.filename });
    });
    if (!done) throw new MediaError('cannot_overwrite', 'Media already uploaded');
    this.waiters.wake(mediaId);
  }

  /** A stored upload, waiting up to timeoutMs for a pending one's bytes. */
  async open(mediaId: string, timeoutMs: number, signal?: AbortSignal): Promise<ServedFile & { record: MediaRecord }> {
    const rec = await this.completed(mediaId, timeoutMs, signal);
    return { record: rec, path: this.files.pathOf(rec.sha256!), contentType: rec.contentType ?? 'application/octet-stream', size: rec.size!, filename: rec.filename };
  }

  async thumbnail(mediaId: string, width: number, height: number, method: ThumbnailMethod, animated: boolean, timeoutMs: number, signal?: AbortSignal): Promise<ServedFile> {
    const file = await this.open(mediaId, timeoutMs, signal);
    if (!THUMBNAILABLE.has(file.contentType)) throw new MediaError('cannot_thumbnail', 'Cannot generate thumbnails for this content');
    const anim = animated && canAnimate(file.contentType);
    const box = chooseThumbnailSize(width, height, method);
    const cached = this.storage.media.thumbnail(mediaId, box.width, box.height, box.method, anim);
    if (cached && await this.files.exists(cached.sha256)) return this.served(cached);
    const size = await imageSize(file.path);
    if (!size) throw new MediaError('cannot_thumbnail', 'The content is not an image that can be read');
    // Spec: smaller originals are served as they are (and never upscaled). An animated original
    // is served as is only when animation was asked for.
    if (originalIsSmaller(size, box) && (anim || !canAnimate(file.contentType))) return file;
    let thumb;
    try {
      thumb = await makeThumbnail(file.path, file.contentType, box, anim);
    } catch {
      throw new MediaError('cannot_thumbnail', 'Cannot generate a thumbnail of this image');
    }
    const stored = await this.files.put(thumb.bytes);
    const rec: ThumbnailRecord = { mediaId, width: box.width, height: box.height, method: box.method, animated: anim, sha256: stored.sha256, size: stored.size, contentType: thumb.contentType };
    await this.storage.writes.enqueue(() => this.storage.media.putThumbnail(rec));
    return this.served(rec);
  }

  /** XEP-0363: reserves an id for a file of the given size and signs the PUT for it. */
  async requestSlot(user: string, filename: string, size: number, contentType: string | null): Promise<{ mediaId: string; putUrl: string; getUrl: string }> {
    if (size > this.maxUploadBytes) throw new MediaError('too_large', `File is larger than ${this.maxUploadBytes} bytes`);
    this.checkQuota(user, size);
    const { mediaId, expiresTs } = await this.createPending(user, SLOT_TTL_MS);
    const token = this.signer.sign({ mediaId, user, size, contentType, exp: expiresTs });
    const name = encodeURIComponent(filename);
    return { mediaId, putUrl: `${this.publicBaseUrl()}/_hearth/media/v1/slot/${token}/${name}`, getUrl: this.fileUrl(mediaId, filename) };
  }

  /** The PUT of a slot: the token must verify and the request match what was asked for. */
  async uploadWithSlot(token: string, source: AsyncIterable<Uint8Array>, meta: { contentType: string | null; declaredLength: number | null; filename: string | null }): Promise<string> {
    const claims = this.signer.verify(token, Date.now());
    if (!claims) throw new MediaError('forbidden', 'Unknown or expired upload slot');
    if (meta.declaredLength !== claims.size) throw new MediaError('bad_request', `Content-Length must be ${claims.size}, as requested for the slot`);
    if (claims.contentType !== null && meta.contentType !== null && meta.contentType !== claims.contentType) {
      throw new MediaError('bad_request', `Content-Type must be ${claims.contentType}, as requested for the slot`);
    }
    const contentType = claims.contentType ?? meta.contentType ?? 'application/octet-stream';
    await this.uploadTo(claims.mediaId, claims.user, source, { contentType, filename: meta.filename, declaredLength: claims.size });
    return claims.mediaId;
  }

  /** A download URL that needs no Matrix token (XMPP clients): a capability signed per media id. */
  fileUrl(mediaId: string, filename: string | null): string {
    const name = filename ? `/${encodeURIComponent(filename)}` : '';
    return `${this.publicBaseUrl()}/_hearth/media/v1/file/${mediaId}/${this.signer.fileSignature(mediaId)}${name}`;
  }

  /** The media id behind one of our signed file URLs, or null for any other URL. */
  mediaIdOfFileUrl(url: string): string | null {
    const base = this.publicBaseUrl();
    if (!url.startsWith(`${base}/_hearth/media/v1/file/`)) return null;
    const [id, sig] = url.slice(`${base}/_hearth/media/v1/file/`.length).split(/[/?#]/);
    if (!id || !sig || !isValidMediaId(id) || !this.signer.checkFileSignature(id, sig)) return null;
    return this.storage.media.get(id)?.sha256 ? id : null;
  }

  record(mediaId: string): MediaRecord | null {
    return isValidMediaId(mediaId) ? this.storage.media.get(mediaId) : null;
  }

  private served(t: ThumbnailRecord): ServedFile {
    return { path: this.files.pathOf(t.sha256), contentType: t.contentType, size: t.size, filename: `thumbnail.${t.contentType.split('/')[1]}` };
  }

  private checkQuota(user: string, extra: number): void {
    const quota = this.config.media.user_quota_bytes;
    if (quota !== null && this.storage.media.usage(user) + extra > quota) {
      throw new MediaError('quota_exceeded', 'You have reached your media storage quota');
    }
  }

  private async ingest(user: string, source: AsyncIterable<Uint8Array>, declared: number | null) {
    if (declared !== null && declared > this.maxUploadBytes) throw new MediaError('too_large', `Upload is larger than ${this.maxUploadBytes} bytes`);
    this.checkQuota(user, declared ?? 0);
    const stored = await this.files.ingest(source, this.maxUploadBytes);
    // The declared length may have been absent (chunked): check the real size too.
    this.checkQuota(user, stored.size);
    return stored;
  }

  private async completed(mediaId: string, timeoutMs: number, signal?: AbortSignal): Promise<MediaRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rec = this.record(mediaId);
      if (!rec || (rec.sha256 === null && rec.expiresTs !== null && rec.expiresTs < Date.now())) throw new MediaError('not_found', 'Unknown media ID');
      if (rec.sha256 !== null) return rec;
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) throw new MediaError('not_yet_uploaded', 'Content has not yet been uploaded');
      await this.waiters.wait(mediaId, left, signal);
    }
  }
}
