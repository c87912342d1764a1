// URL previews (spec: GET /_matrix/client/v1/media/preview_url): fetch the page, read its
// OpenGraph data, store its image in the media store so clients get it as mxc://, and cache
// the answer per URL for a while (concurrent requests for one URL share one fetch).
import { Readable } from 'node:stream';
import { BoundedMap } from '../../core/bounded-map.js';
import type { JsonObject } from '../../core/events/types.js';
import type { MediaService } from '../../core/media/service.js';
import { IpPolicy } from '../../core/media/ip-policy.js';
import { guardedFetch, previewableUrl, PreviewError, type Fetched, type FetchLimits } from './fetch.js';
import { parseOpenGraph } from './html-meta.js';

export interface PreviewOptions {
  denyIps: string[];
  allowIps: string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  cacheMs: number;
}

/** URLs remembered at once; the oldest go first. */
const MAX_CACHED = 1000;
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

export class UrlPreviews {
  private readonly limits: FetchLimits;
  private readonly cache = new BoundedMap<string, { expires: number; value: Promise<JsonObject> }>(MAX_CACHED);
  /** Preview images are stored as this (reserved) user's uploads, not the asker's. */
  private readonly uploader: string;

  constructor(private readonly media: MediaService, private readonly opts: PreviewOptions) {
    this.limits = { policy: new IpPolicy(opts.denyIps, opts.allowIps), maxBytes: opts.maxBytes, timeoutMs: opts.timeoutMs, maxRedirects: opts.maxRedirects };
    this.uploader = `@_url_preview:${media.serverName}`;
  }

  /** The OpenGraph object for the URL; throws a PreviewError when there is none to give. */
  preview(raw: string, now = Date.now()): Promise<JsonObject> {
    const url = previewableUrl(raw);
    url.hash = '';
    const key = url.href;
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = this.build(url);
    this.cache.set(key, { expires: now + this.opts.cacheMs, value });
    // Failures are not remembered: the next ask tries again.
    value.catch(() => { if (this.cache.get(key)?.value === value) this.cache.delete(key); });
    return value;
  }

  private async build(url: URL): Promise<JsonObject> {
    const page = await guardedFetch(url, this.limits, 'text/html,application/xhtml+xml,image/*;q=0.8');
    if (page.contentType.startsWith('image/')) return this.image(page);
    // Spec: "The OpenGraph data for the URL, which may be empty".
    if (!HTML_TYPES.has(page.contentType)) return {};
    const og = parseOpenGraph(decode(page));
    const image = typeof og['og:image'] === 'string' ? og['og:image'] : null;
    delete og['og:image'];
    if (image) Object.assign(og, await this.imageAt(image, page.url).catch(() => ({})));
    return og;
  }

  private async imageAt(raw: string, base: URL): Promise<JsonObject> {
    const fetched = await guardedFetch(previewableUrl(raw, base), this.limits, 'image/*');
    if (!fetched.contentType.startsWith('image/')) return {};
    return this.image(fetched);
  }

  private async image(f: Fetched): Promise<JsonObject> {
    const mediaId = await this.media.upload(this.uploader, Readable.from([f.body]), {
      contentType: f.contentType, filename: lastSegment(f.url), declaredLength: f.body.length,
    });
    return { 'og:image': `mxc://${this.media.serverName}/${mediaId}`, 'og:image:type': f.contentType, 'matrix:image:size': f.body.length };
  }
}

function lastSegment(url: URL): string | null {
  const seg = url.pathname.split('/').pop() ?? '';
  try { return decodeURIComponent(seg) || null; } catch { return seg || null; }
}

/** The page as text: its declared charset when the runtime knows it, else UTF-8. */
function decode(page: Fetched): string {
  try {
    return new TextDecoder(page.charset ?? 'utf-8').decode(page.body);
  } catch {
    return new TextDecoder('utf-8').decode(page.body);
  }
}

export { PreviewError };
