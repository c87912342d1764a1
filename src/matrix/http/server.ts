// The request pipeline over node:http: CORS, route match, access token, JSON body, handler,
// error mapping. No framework on purpose: the Matrix API wants its own error bodies for every
// failure a framework would answer itself (unknown route, wrong method, body too large, bad
// JSON), and /sync is a hot path where a plain handler costs the least per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/logger.js';
import { ErrCode, MatrixError, toMatrixError, unrecognized } from '../errors.js';
import { readJsonBody } from './body.js';
import type { Router } from './router.js';
import type { AuthedCtx, RequestCtx, Requester } from './types.js';

export interface PipelineDeps {
  router: Router;
  maxBodyBytes: number;
  /** The session an access token belongs to, or null when the token is unknown. */
  authenticate(accessToken: string): Requester | null;
  logger: Logger;
}

// Spec "Web Browser Clients": every response carries these, and OPTIONS runs no endpoint logic.
const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization',
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { ...CORS_HEADERS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The access token of a request: `Authorization: Bearer` first, then the `access_token` query parameter. */
export function accessTokenOf(req: IncomingMessage, query: URLSearchParams): string | null {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : null;
  }
  return query.get('access_token');
}

function authenticate(deps: PipelineDeps, req: IncomingMessage, query: URLSearchParams, mode: string): Requester | null {
  if (mode === 'none') return null;
  const token = accessTokenOf(req, query);
  if (token === null) {
    if (mode === 'required') throw new MatrixError(401, ErrCode.MISSING_TOKEN, 'Missing access token');
    return null;
  }
  const who = deps.authenticate(token);
  if (!who) throw new MatrixError(401, ErrCode.UNKNOWN_TOKEN, 'Unrecognised access token', { soft_logout: false });
  return who;
}

/**
 * The request's abort signal, made when a handler first asks for it (long-polls do; most
 * handlers never look, and an AbortController with its close listener per request was a
 * measurable share of a PUT's cost). A client already gone by then gives an aborted signal.
 */
function abortSignalOf(res: ServerResponse): () => AbortSignal {
  let abort: AbortController | null = null;
  return () => {
    if (!abort) {
      const a = (abort = new AbortController());
      if (res.destroyed && !res.writableFinished) a.abort();
      else res.once('close', () => { if (!res.writableFinished) a.abort(); });
    }
    return abort.signal;
  };
}

async function dispatch(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const m = deps.router.match(method, url.pathname);
  if (m.kind === 'none') throw unrecognized(404);
  if (m.kind === 'bad_method') throw unrecognized(405);
  if (m.kind === 'bad_encoding') throw new MatrixError(400, ErrCode.INVALID_PARAM, 'Malformed percent-encoding in path');
  const requester = authenticate(deps, req, url.searchParams, m.route.auth);
  // DELETE too: DELETE /devices/{id} carries its user-interactive auth in the body.
  const body = method === 'POST' || method === 'PUT' || method === 'DELETE' ? await readJsonBody(req, deps.maxBodyBytes) : undefined;
  const signal = abortSignalOf(res);
  const ctx: RequestCtx = { params: m.params, query: url.searchParams, body, requester, get signal() { return signal(); }, ip: req.socket.remoteAddress };
  const result = m.route.auth === 'required' ? await m.route.handler(ctx as AuthedCtx) : await m.route.handler(ctx);
  sendJson(res, 200, result);
}

export function requestListener(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    dispatch(deps, req, res).catch((err: unknown) => {
      const known = toMatrixError(err);
      if (!known) {
        deps.logger.error({ err, method: req.method, url: req.url?.split('?')[0] }, 'Matrix request failed');
        sendJson(res, 500, { errcode: ErrCode.UNKNOWN, error: 'Internal server error' });
        return;
      }
      deps.logger.debug({ method: req.method, url: req.url?.split('?')[0], status: known.status, errcode: known.errcode }, known.message);
      // The rest of an oversized body is not read; closing the connection discards it.
      if (known.status === 413) res.setHeader('Connection', 'close');
      // Spec v1.10 (MSC4041): a 429 also says when to retry in the standard header, in whole seconds.
      const retryMs = known.extra.retry_after_ms;
      if (known.status === 429 && typeof retryMs === 'number') res.setHeader('Retry-After', String(Math.ceil(retryMs / 1000)));
      sendJson(res, known.status, known.toJSON());
    });
  };
}
