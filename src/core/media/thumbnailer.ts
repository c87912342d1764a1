// Image thumbnails with sharp (libvips). Only the four formats the spec lets a server serve
// inline as images are thumbnailed; output is JPEG for JPEG sources and PNG otherwise (both
// static), or animated WebP when the client asked for animation and the source is animated.
import sharp from 'sharp';
import type { ThumbnailSize } from './thumbnail-size.js';

export const THUMBNAILABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
const ANIMATABLE = new Set(['image/gif', 'image/webp']);
/** libvips refuses larger inputs: a decompression bomb must not take the server's memory. */
const MAX_INPUT_PIXELS = 100_000_000;

export interface Thumbnail { bytes: Buffer; contentType: string; width: number; height: number }

export async function imageSize(path: string): Promise<{ width: number; height: number } | null> {
  try {
    const meta = await sharp(path, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    return meta.width && meta.height ? { width: meta.width, height: meta.pageHeight ?? meta.height } : null;
  } catch {
    return null;
  }
}

export function canAnimate(contentType: string): boolean {
  return ANIMATABLE.has(contentType);
}

/** Throws when libvips cannot read the file (corrupt, wrong type claimed, too many pixels). */
export async function makeThumbnail(path: string, sourceType: string, box: ThumbnailSize, animated: boolean): Promise<Thumbnail> {
  const img = sharp(path, { limitInputPixels: MAX_INPUT_PIXELS, animated })
    .rotate()
    .resize(box.width, box.height, {
      fit: box.method === 'crop' ? 'cover' : 'inside',
      position: 'centre',
      withoutEnlargement: true,
    });
  const out = animated ? img.webp() : sourceType === 'image/jpeg' ? img.jpeg({ quality: 80 }) : img.png();
  const { data, info } = await out.toBuffer({ resolveWithObject: true });
  const contentType = animated ? 'image/webp' : sourceType === 'image/jpeg' ? 'image/jpeg' : 'image/png';
  return { bytes: data, contentType, width: info.width, height: info.pageHeight ?? info.height };
}
