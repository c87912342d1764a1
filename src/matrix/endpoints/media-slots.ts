// The HTTP side of XEP-0363 upload slots and of token-less file URLs for XMPP clients. The XMPP
// module asks the core media store for a slot; the PUT and GET URLs it hands out point here. The
// PUT carries a signed slot token, the GET a per-file signature (formats in core/media/slots.ts).
import type { MatrixContext } from '../context.js';
import type { MediaCtx, MediaRoute } from '../media/pipeline.js';
import { declaredLength, fileName, notFound, uploadContentType } from '../media/params.js';
import { HttpJsonError, sendFile } from '../media/reply.js';
import { isValidMediaId } from '../../core/media/ids.js';

async function slotPut(m: MatrixContext, ctx: MediaCtx) {
  // Checked like any upload's type: it is served back as a header.
  const ct = ctx.req.headers['content-type']?.trim() ? uploadContentType(ctx.req) : null;
  const length = declaredLength(ctx.req);
  if (length === null) throw new HttpJsonError(411, 'M_MISSING_PARAM', 'Content-Length is required');
  await m.core.media.uploadWithSlot(ctx.params.token, ctx.req, { contentType: ct, declaredLength: length, filename: fileName(ctx.params.fileName) });
  // XEP-0363 §5: 201 Created on success.
  ctx.res.writeHead(201, { 'Content-Length': 0, 'Access-Control-Allow-Origin': '*' });
  ctx.res.end();
  return undefined;
}

async function fileGet(m: MatrixContext, ctx: MediaCtx) {
  const { mediaId, sig } = ctx.params;
  if (!isValidMediaId(mediaId)) throw notFound();
  if (!m.core.media.signer.checkFileSignature(mediaId, sig)) throw new HttpJsonError(403, 'M_FORBIDDEN', 'Bad file signature');
  const file = await m.core.media.open(mediaId, 0, ctx.signal);
  await sendFile(ctx.res, file, fileName(ctx.params.fileName) ?? file.filename, ctx.req.method === 'HEAD');
  return undefined;
}

export function mediaSlotRoutes(m: MatrixContext): MediaRoute[] {
  return [
    { method: 'PUT', path: '/_hearth/media/v1/slot/:token/:fileName?', auth: 'none', handler: (ctx) => slotPut(m, ctx) },
    { method: 'GET', path: '/_hearth/media/v1/file/:mediaId/:sig/:fileName?', auth: 'none', handler: (ctx) => fileGet(m, ctx) },
  ];
}

