// Image thumbnails with sharp (libvips). Only the four formats the spec lets a server serve
// inline as images are thumbnailed; output is JPEG for JPEG sources and PNG otherwise (both
// static), or animated WebP when the client asked for animation and the source is animated.
// sharp (libvips) is loaded at the first thumbnail, not at start-up: a server whose users never
// ask for one does not carry it in memory.
import type { ThumbnailSize } from './thumbnail-size.js';

type Sharp = typeof import('sharp');
let loaded: Promise<Sharp> | null = null;
const sharpLib = async () => (await (loaded ??= import('sharp').then((m) => m.default))) as Sharp;

export const THUMBNAILABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
const ANIMATABLE = new Set(['image/gif', 'image/webp']);
/** libvips refuses larger inputs, so a decompression bomb cannot take the server's memory (Synapse's default). */
const MAX_INPUT_PIXELS = 32_000_000;

export interface Thumbnail { bytes: Buffer; contentType: string; width: number; height: number }

export async function imageSize(path: string): Promise<{ width: number; height: number } | null> {
  try {
    const sharp = await sharpLib();
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
  const sharp = await sharpLib();
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
