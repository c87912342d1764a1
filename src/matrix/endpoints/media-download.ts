// Downloads, thumbnails, config and URL previews: the authenticated /_matrix/client/v1/media/*
// endpoints (spec authed-content-repo.yaml) and the deprecated unauthenticated
// /_matrix/media/{v3,r0}/* ones, still served because clients and bridges use them.
import type { MatrixContext } from '../context.js';
import type { MediaCtx, MediaRoute } from '../media/pipeline.js';
import { fileName, invalid, localMediaId, timeoutMs } from '../media/params.js';
import { HttpJsonError, sendFile } from '../media/reply.js';
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

/** URL previews are off (media.url_previews): the endpoint is there but refuses, as Synapse does. */
function previewUrl(ctx: MediaCtx): never {
  if (!ctx.query.get('url')) throw new HttpJsonError(400, 'M_MISSING_PARAM', 'url is required');
  throw new HttpJsonError(403, 'M_FORBIDDEN', 'URL previews are disabled on this server');
}

export function mediaDownloadRoutes(m: MatrixContext): MediaRoute[] {
  const routes: MediaRoute[] = [];
  const add = (base: string, auth: 'required' | 'none') => routes.push(
    { method: 'GET', path: `${base}/download/:serverName/:mediaId/:fileName?`, auth, handler: (ctx) => download(m, ctx) },
    { method: 'GET', path: `${base}/thumbnail/:serverName/:mediaId`, auth, handler: (ctx) => thumbnail(m, ctx) },
    { method: 'GET', path: `${base}/config`, auth: 'required', handler: () => config(m) },
    { method: 'GET', path: `${base}/preview_url`, auth: 'required', handler: (ctx) => previewUrl(ctx) },
  );
  add('/_matrix/client/v1/media', 'required');
  add('/_matrix/media/v3', 'none');
  add('/_matrix/media/r0', 'none');
  return routes;
}
