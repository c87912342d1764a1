// Uploads (spec content-repo.yaml): POST /upload, and the async pair POST /create + PUT /upload/{s}/{id}.
import { mxcUri } from '../../core/media/ids.js';
import type { MatrixContext } from '../context.js';
import type { MediaCtx, MediaRoute } from '../media/pipeline.js';
import { declaredLength, fileName, localMediaId, uploadContentType } from '../media/params.js';

async function upload(m: MatrixContext, ctx: MediaCtx) {
  const mediaId = await m.core.media.upload(ctx.requester!.userId, ctx.req, {
    contentType: uploadContentType(ctx.req),
    filename: fileName(ctx.query.get('filename')),
    declaredLength: declaredLength(ctx.req),
  });
  return { content_uri: mxcUri(m.core.config.server_name, mediaId) };
}

async function create(m: MatrixContext, ctx: MediaCtx) {
  // The body is an empty JSON object; nothing in it is used.
  ctx.req.resume();
  const { mediaId, expiresTs } = await m.core.media.createPending(ctx.requester!.userId);
  return { content_uri: mxcUri(m.core.config.server_name, mediaId), unused_expires_at: expiresTs };
}

async function uploadTo(m: MatrixContext, ctx: MediaCtx) {
  const mediaId = localMediaId(m.core.config.server_name, ctx.params);
  await m.core.media.uploadTo(mediaId, ctx.requester!.userId, ctx.req, {
    contentType: uploadContentType(ctx.req),
    filename: fileName(ctx.query.get('filename')),
    declaredLength: declaredLength(ctx.req),
  });
  return {};
}

export function mediaUploadRoutes(m: MatrixContext): MediaRoute[] {
  return [
    { method: 'POST', path: '/_matrix/media/v3/upload', auth: 'required', handler: (ctx) => upload(m, ctx) },
    { method: 'POST', path: '/_matrix/media/r0/upload', auth: 'required', handler: (ctx) => upload(m, ctx) },
    { method: 'POST', path: '/_matrix/media/v1/create', auth: 'required', handler: (ctx) => create(m, ctx) },
    { method: 'PUT', path: '/_matrix/media/v3/upload/:serverName/:mediaId', auth: 'required', handler: (ctx) => uploadTo(m, ctx) },
  ];
}
