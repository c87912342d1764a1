// Which thumbnail to make for a request (pure). The spec's recommended sizes are the only ones
// made for requests they cover, so that many clients asking for slightly different sizes share
// one cached file; a request larger than all of them gets its own size, capped.
export type ThumbnailMethod = 'crop' | 'scale';

export interface ThumbnailSize { width: number; height: number; method: ThumbnailMethod }

/** Spec "Thumbnails": the sizes servers SHOULD produce. */
export const RECOMMENDED_SIZES: readonly ThumbnailSize[] = [
  { width: 32, height: 32, method: 'crop' },
  { width: 96, height: 96, method: 'crop' },
  { width: 320, height: 240, method: 'scale' },
  { width: 640, height: 480, method: 'scale' },
  { width: 800, height: 600, method: 'scale' },
];

/** Past this a "thumbnail" is a re-encoded original; the request is capped here. */
export const MAX_THUMBNAIL_SIDE = 2048;

/**
 * The size to make: the smallest recommended one of the same method that is at least as large
 * as requested in both dimensions (the spec forbids returning less than asked), else the
 * request itself, capped.
 */
export function chooseThumbnailSize(width: number, height: number, method: ThumbnailMethod): ThumbnailSize {
  const fit = RECOMMENDED_SIZES.find((s) => s.method === method && s.width >= width && s.height >= height);
  if (fit) return fit;
  return { width: Math.min(width, MAX_THUMBNAIL_SIDE), height: Math.min(height, MAX_THUMBNAIL_SIDE), method };
}

/** True when the original is no larger than the box: the spec says to serve the original then. */
export function originalIsSmaller(orig: { width: number; height: number }, box: ThumbnailSize): boolean {
  return orig.width <= box.width && orig.height <= box.height;
}

/** Parses width/height query values: positive integers only. */
export function parseDimension(v: string | null): number | null {
  if (v === null || !/^[0-9]{1,6}$/.test(v)) return null;
  const n = Number(v);
  return n > 0 ? n : null;
}
