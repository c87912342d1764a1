// Request details the media endpoints share, each checked (bad input gets a 400, never a crash).
import type { IncomingMessage } from 'node:http';
import { isValidMediaId } from '../../core/media/ids.js';
import { HttpJsonError } from './reply.js';

/** Spec: downloads wait up to timeout_ms (default 20 s) for a pending upload; we cap the wait. */
const DEFAULT_TIMEOUT_MS = 20000;
const MAX_TIMEOUT_MS = 60000;
const MAX_FILENAME = 255;

export const invalid = (msg: string) => new HttpJsonError(400, 'M_INVALID_PARAM', msg);
export const notFound = (msg = 'Unknown media ID') => new HttpJsonError(404, 'M_NOT_FOUND', msg);

/** Spec 1.12: the Content-Type of an upload is optional and defaults to application/octet-stream. */
export function uploadContentType(req: IncomingMessage): string {
  const v = req.headers['content-type']?.trim();
  if (!v) return 'application/octet-stream';
  if (v.length > 255 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(v) || !v.includes('/')) throw invalid('Malformed Content-Type');
  return v;
}

export function declaredLength(req: IncomingMessage): number | null {
  const v = req.headers['content-length'];
  if (v === undefined) return null;
  if (!/^[0-9]{1,15}$/.test(v)) throw invalid('Malformed Content-Length');
  return Number(v);
}

/** A file name from a query or path: no path separators or control characters, bounded length. */
export function fileName(v: string | null | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  // eslint-disable-next-line no-control-regex
  if (v.length > MAX_FILENAME || /[\x00-\x1f\x7f/\\]/.test(v)) throw invalid('Malformed file name');
  return v;
}

export function timeoutMs(query: URLSearchParams): number {
  const v = query.get('timeout_ms');
  if (v === null) return DEFAULT_TIMEOUT_MS;
  if (!/^[0-9]{1,12}$/.test(v)) throw invalid('timeout_ms must be a non-negative integer');
  return Math.min(Number(v), MAX_TIMEOUT_MS);
}

/** The media id of an mxc://serverName/mediaId served here; remote media is not fetched yet. */
export function localMediaId(serverName: string, params: Record<string, string>): string {
  if (params.serverName !== serverName) throw notFound('Remote media is not available on this server');
  if (!isValidMediaId(params.mediaId)) throw notFound();
  return params.mediaId;
}
