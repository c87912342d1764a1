// Shared by the media tests: images made with sharp, raw HTTP with bytes, and a look at the
// content-addressed files on disk.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export async function png(width: number, height: number, rgb = { r: 200, g: 40, b: 90 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: rgb } }).png().toBuffer();
}

export async function dims(bytes: Buffer): Promise<{ width: number; height: number; format: string }> {
  const m = await sharp(bytes).metadata();
  return { width: m.width!, height: m.height!, format: m.format! };
}

export interface Raw { status: number; headers: Headers; bytes: Buffer; json: Record<string, any> }

export async function http(url: string, init: { method?: string; token?: string; body?: Buffer | string; contentType?: string | null; headers?: Record<string, string> } = {}): Promise<Raw> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.contentType) headers['Content-Type'] = init.contentType;
  const body = typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body);
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: Record<string, any> = {};
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) json = JSON.parse(bytes.toString('utf8') || '{}');
  return { status: res.status, headers: res.headers, bytes, json };
}

/** Every stored content file under data_dir/media/content. */
export function contentFiles(dataDir: string): string[] {
  const root = join(dataDir, 'media', 'content');
  return readdirSync(root).flatMap((shard) => readdirSync(join(root, shard)));
}
