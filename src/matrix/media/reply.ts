// How media responses are written: files streamed with the headers the spec asks for, errors as
// Matrix JSON errors. The media store's errors get their codes here (content_repo.md, and the
// responses of content-repo.yaml / authed-content-repo.yaml).
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { MediaError, type MediaErrorCode } from '../../core/media/errors.js';
import { toMatrixError } from '../errors.js';
import type { ServedFile } from '../../core/media/service.js';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization',
};

/** Spec "Serving inline content": only these may be served with Content-Disposition: inline. */
const INLINE_TYPES = new Set([
  'text/css', 'text/plain', 'text/csv', 'application/json', 'application/ld+json',
  'image/jpeg', 'image/gif', 'image/png', 'image/apng', 'image/webp', 'image/avif',
  'video/mp4', 'video/webm', 'video/ogg', 'video/quicktime',
  'audio/mp4', 'audio/webm', 'audio/aac', 'audio/mpeg', 'audio/ogg', 'audio/wave', 'audio/wav',
  'audio/x-wav', 'audio/x-pn-wav', 'audio/flac', 'audio/x-flac',
]);

/** The spec's recommended Content-Security-Policy for served content. */
const CSP = "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; object-src 'self';";

const STATUS: Record<MediaErrorCode, [number, string]> = {
  not_found: [404, 'M_NOT_FOUND'],
  not_yet_uploaded: [504, 'M_NOT_YET_UPLOADED'],
  too_large: [413, 'M_TOO_LARGE'],
  // Spec (upload 403): "The user has reached a quota for uploaded content" is M_FORBIDDEN.
  quota_exceeded: [403, 'M_FORBIDDEN'],
  forbidden: [403, 'M_FORBIDDEN'],
  cannot_overwrite: [409, 'M_CANNOT_OVERWRITE_MEDIA'],
  bad_request: [400, 'M_INVALID_PARAM'],
  cannot_thumbnail: [400, 'M_UNKNOWN'],
  too_many_pending: [429, 'M_LIMIT_EXCEEDED'],
};

export class HttpJsonError extends Error {
  constructor(readonly status: number, readonly errcode: string, message: string) {
    super(message);
  }
}

/** The status and body of a known error; null for anything unexpected (a 500). */
export function errorReply(err: unknown): { status: number; body: Record<string, unknown> } | null {
  if (err instanceof HttpJsonError) return { status: err.status, body: { errcode: err.errcode, error: err.message } };
  if (err instanceof MediaError) {
    const [status, errcode] = STATUS[err.code];
    return { status, body: { errcode, error: err.message } };
  }
  const m = toMatrixError(err);
  return m ? { status: m.status, body: m.toJSON() } : null;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { ...CORS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The mime type without parameters, lower-cased ("text/plain; charset=utf-8" -> "text/plain"). */
export function essence(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/** RFC 6266: a plain quoted name when it is safe ASCII, else the RFC 5987 UTF-8 form. */
export function contentDisposition(contentType: string, filename: string | null): string {
  const kind = INLINE_TYPES.has(essence(contentType)) ? 'inline' : 'attachment';
  if (!filename) return kind;
  if (/^[\x20-\x7e]*$/.test(filename) && !/["\\]/.test(filename)) return `${kind}; filename="${filename}"`;
  return `${kind}; filename*=utf-8''${encodeURIComponent(filename)}`;
}

export async function sendFile(res: ServerResponse, file: ServedFile, filename: string | null, head = false): Promise<void> {
  res.writeHead(200, {
    ...CORS,
    'Content-Type': file.contentType,
    'Content-Length': file.size,
    'Content-Disposition': contentDisposition(file.contentType, filename),
    'Content-Security-Policy': CSP,
    'Cross-Origin-Resource-Policy': 'cross-origin',
    // Content under an id never changes.
    'Cache-Control': 'public, max-age=86400, immutable',
  });
  if (head) {
    res.end();
    return;
  }
  await pipeline(createReadStream(file.path), res);
}
