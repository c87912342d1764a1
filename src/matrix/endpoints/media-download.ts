// Downloads, thumbnails, config and URL previews: the authenticated /_matrix/client/v1/media/*
// endpoints (spec authed-content-repo.yaml) and the deprecated unauthenticated
// /_matrix/media/{v3,r0}/* ones, still served because clients and bridges use them.
import type { MatrixContext } from '../context.js';
import type { MediaCtx, MediaRoute } from '../media/pipeline.js';
import { fileName, invalid, localMediaId, timeoutMs } from '../media/params.js';
import { HttpJsonError, sendFile } from '../media/reply.js';
import type { JsonObject } from '../../core/events/types.js';
import { PreviewError, UrlPreviews } from '../preview/service.js';
import type { PreviewFailure } from '../preview/fetch.js';
import { parseDimension, type ThumbnailMethod } from '../../core/media/thumbnail-size.js';

async function download(m: MatrixContext, ctx: MediaCtx): Promise<undefined> {
  const mediaId = localMediaId(m.core.config.server_name, ctx.params);
  const name = fileName(ctx.params.fileName);
  const file = await m.core.media.open(mediaId, timeoutMs(ctx.query), ctx.signal);
  await sendFile(ctx.res, file, name ?? file.filename, ctx.req.method === 'HEAD');
  return undefined;
}

function thumbnailParams(q: URLSearchParams): { width: number; height: number; method: ThumbnailMethod; animated: boolean } {
  const width = parseDimension(q.get('width'));
  const height = parseDimension(q.get('height'));
  if (q.get('width') === null || q.get('height') === null) throw new HttpJsonError(400, 'M_MISSING_PARAM', 'width and height are required');
  if (width === null || height === null) throw invalid('width and height must be positive integers');
  const method = q.get('method') ?? 'scale';
  if (method !== 'crop' && method !== 'scale') throw invalid("method must be 'crop' or 'scale'");
  const animated = q.get('animated');
  if (animated !== null && animated !== 'true' && animated !== 'false') throw invalid('animated must be true or false');
  return { width, height, method, animated: animated === 'true' };
}

async function thumbnail(m: MatrixContext, ctx: MediaCtx): Promise<undefined> {
  const mediaId = localMediaId(m.core.config.server_name, ctx.params);
  const p = thumbnailParams(ctx.query);
  const file = await m.core.media.thumbnail(mediaId, p.width, p.height, p.method, p.animated, timeoutMs(ctx.query), ctx.signal);
  await sendFile(ctx.res, file, file.filename, ctx.req.method === 'HEAD');
  return undefined;
}

function config(m: MatrixContext) {
  return { 'm.upload.size': m.core.config.media.max_upload_bytes };
}

const PREVIEW_ERRORS: Record<PreviewFailure, [number, string]> = {
  bad_url: [400, 'M_INVALID_PARAM'], forbidden: [403, 'M_FORBIDDEN'], too_large: [502, 'M_TOO_LARGE'], failed: [502, 'M_UNKNOWN'],
};

/** GET preview_url: off unless media.url_previews (then 403, as Synapse does). `ts` is accepted; the newest preview is given. */
async function previewUrl(previews: UrlPreviews | null, ctx: MediaCtx): Promise<JsonObject> {
  const url = ctx.query.get('url');
  if (!url) throw new HttpJsonError(400, 'M_MISSING_PARAM', 'url is required');
  const ts = ctx.query.get('ts');
  if (ts !== null && !/^\d{1,16}$/.test(ts)) throw invalid('ts must be a timestamp in milliseconds');
  if (!previews) throw new HttpJsonError(403, 'M_FORBIDDEN', 'URL previews are disabled on this server');
  try {
    return await previews.preview(url);
  } catch (e) {
    if (!(e instanceof PreviewError)) throw e;
    const [status, code] = PREVIEW_ERRORS[e.kind];
    throw new HttpJsonError(status, code, e.message);
  }
}

function previewsOf(m: MatrixContext): UrlPreviews | null {
  const c = m.core.config.media;
  if (!c.url_previews) return null;
  return new UrlPreviews(m.core.media, {
    denyIps: c.url_preview_deny_ips, allowIps: c.url_preview_allow_ips, maxBytes: c.url_preview_max_bytes,
    timeoutMs: c.url_preview_timeout_ms, maxRedirects: c.url_preview_max_redirects, cacheMs: c.url_preview_cache_ms,
  });
}

export function mediaDownloadRoutes(m: MatrixContext): MediaRoute[] {
  const routes: MediaRoute[] = [];
  const previews = previewsOf(m);
  const add = (base: string, auth: 'required' | 'none') => routes.push(
    { method: 'GET', path: `${base}/download/:serverName/:mediaId/:fileName?`, auth, handler: (ctx) => download(m, ctx) },
    { method: 'GET', path: `${base}/thumbnail/:serverName/:mediaId`, auth, handler: (ctx) => thumbnail(m, ctx) },
    { method: 'GET', path: `${base}/config`, auth: 'required', handler: () => config(m) },
    { method: 'GET', path: `${base}/preview_url`, auth: 'required', handler: (ctx) => previewUrl(previews, ctx) },
  );
  add('/_matrix/client/v1/media', 'required');
  add('/_matrix/media/v3', 'none');
  add('/_matrix/media/r0', 'none');
  return routes;
}
