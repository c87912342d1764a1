// Content-addressed files under data_dir/media/: a file's name is the SHA-256 of its bytes, so the
// same bytes uploaded twice (by anyone, from either protocol) are one file on disk. Bytes are
// streamed to a temporary file while hashed and counted, synced, then renamed into place: a file
// under its hash is always complete, and an upload over the limit is dropped at the limit.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { access, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaError } from './errors.js';

export interface StoredContent { sha256: string; size: number }

const SHA256 = /^[0-9a-f]{64}$/;

export class ContentFiles {
  private readonly contentDir: string;
  private readonly tmpDir: string;

  constructor(mediaDir: string) {
    this.contentDir = join(mediaDir, 'content');
    this.tmpDir = join(mediaDir, 'tmp');
    mkdirSync(this.contentDir, { recursive: true });
    mkdirSync(this.tmpDir, { recursive: true });
  }

  /** The path of stored content; sharded by the first two hex digits to keep directories small. */
  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.contentDir, sha256.slice(0, 2), sha256);
  }

  /** Stores a byte stream; MediaError too_large as soon as it passes `limit` bytes. */
  async ingest(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, limit: number): Promise<StoredContent> {
    const tmp = join(this.tmpDir, randomUUID());
    const fh = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > limit) throw new MediaError('too_large', `Upload is larger than ${limit} bytes`);
        hash.update(chunk);
        await fh.write(chunk);
      }
      await fh.sync();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
    await fh.close();
    const sha256 = hash.digest('hex');
    await this.place(tmp, sha256);
    return { sha256, size };
  }

  /** Stores bytes already in memory (thumbnails). */
  async put(bytes: Buffer): Promise<StoredContent> {
    return this.ingest([bytes], bytes.length);
  }

  async exists(sha256: string): Promise<boolean> {
    try {
      await access(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  private async place(tmp: string, sha256: string): Promise<void> {
    const final = this.pathOf(sha256);
    if (await this.exists(sha256)) {
      // Deduplicated: the same bytes are there already.
      await rm(tmp, { force: true });
      return;
    }
    mkdirSync(join(this.contentDir, sha256.slice(0, 2)), { recursive: true });
    await rename(tmp, final);
  }
}
