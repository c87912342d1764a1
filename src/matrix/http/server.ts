// The request pipeline over node:http: CORS, route match, access token, JSON body, handler,
// error mapping. No framework on purpose: the Matrix API wants its own error bodies for every
// failure a framework would answer itself (unknown route, wrong method, body too large, bad
// JSON), and /sync is a hot path where a plain handler costs the least per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/logger.js';
import { ErrCode, MatrixError, toMatrixError, unrecognized, userLocked } from '../errors.js';
import { readJsonBody } from './body.js';
import type { Router } from './router.js';
import type { AuthedCtx, ClientWatch, RequestCtx, Requester, Route } from './types.js';

export interface PipelineDeps {
  router: Router;
  maxBodyBytes: number;
  /** The session an access token belongs to, or null when the token is unknown. */
  authenticate(accessToken: string): Requester | null;
  /** An authenticated request arrived (device last-seen bookkeeping). */
  seen?(requester: Requester, req: IncomingMessage): void;
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

function authenticate(deps: PipelineDeps, req: IncomingMessage, query: URLSearchParams, route: Route): Requester | null {
  const mode = route.auth;
  if (mode === 'none') return null;
  const token = accessTokenOf(req, query);
  if (token === null) {
    if (mode === 'required') throw new MatrixError(401, ErrCode.MISSING_TOKEN, 'Missing access token');
    return null;
  }
  const who = deps.authenticate(token);
  if (!who) throw new MatrixError(401, ErrCode.UNKNOWN_TOKEN, 'Unrecognised access token', { soft_logout: false });
  if (who.locked && !route.whileLocked) throw userLocked();
  deps.seen?.(who, req);
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

// A path the WHATWG URL parser would hand back unchanged: no characters it percent-encodes or
// rewrites ('\\' is '/' in http URLs), no dot segments, not '//' (an authority).
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;
// A query whose URLSearchParams are the same parsed raw as through a URL: printable ASCII only
// (the URL parser strips or encodes whitespace, controls and other characters first), no
// fragment, no leading '?' (which URLSearchParams' constructor drops).
const ODD_QUERY = /^\?|[^\x21-\x22\x24-\x7e]/;

/**
 * The request target's path and query, as `new URL(target, base)` gives them. Most targets are
 * plain and are split without building a URL (a measurable share of a request's cost); anything
 * else goes through the URL parser.
 */
export function requestTarget(target: string): { pathname: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) {
    if (q < 0) return { pathname: path, query: new URLSearchParams() };
    const query = target.slice(q + 1);
    if (!ODD_QUERY.test(query)) return { pathname: path, query: new URLSearchParams(query) };
  }
  const url = new URL(target, 'http://localhost');
  return { pathname: url.pathname, query: url.searchParams };
}

/** `signal`'s answer from the response itself: no AbortController, one 'close' listener while waiting. */
export function clientWatch(res: ServerResponse): ClientWatch {
  return {
    get gone() { return res.destroyed && !res.writableFinished; },
    onGone(fn) {
      const onClose = () => { if (!res.writableFinished) fn(); };
      res.once('close', onClose);
      return () => { res.off('close', onClose); };
    },
  };
}

async function dispatch(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestTarget(req.url ?? '/');
  const method = req.method ?? 'GET';
  const m = deps.router.match(method, url.pathname);
  if (m.kind === 'none') throw unrecognized(404);
  if (m.kind === 'bad_method') throw unrecognized(405);
  if (m.kind === 'bad_encoding') throw new MatrixError(400, ErrCode.INVALID_PARAM, 'Malformed percent-encoding in path');
  const requester = authenticate(deps, req, url.query, m.route);
  // DELETE too: DELETE /devices/{id} carries its user-interactive auth in the body.
  const body = method === 'POST' || method === 'PUT' || method === 'DELETE' ? await readJsonBody(req, deps.maxBodyBytes) : undefined;
  const signal = abortSignalOf(res);
  const ctx: RequestCtx = { params: m.params, query: url.query, body, requester, get signal() { return signal(); }, client: clientWatch(res), ip: req.socket.remoteAddress };
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
