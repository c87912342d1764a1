// The media routes' own request pipeline. The JSON pipeline (http/server.ts) reads every
// POST/PUT body as JSON and answers JSON; media uploads are raw bytes streamed to disk and
// downloads are files, so requests under the media prefixes come here first and everything else
// goes on to the JSON pipeline. Auth, CORS and error bodies follow the same rules.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/logger.js';
import { accessTokenOf } from '../http/server.js';
import { Router } from '../http/router.js';
import type { Method, Requester, Route } from '../http/types.js';
import { errorReply, HttpJsonError, sendJson } from './reply.js';

export interface MediaCtx {
  params: Record<string, string>;
  query: URLSearchParams;
  requester: Requester | null;
  req: IncomingMessage;
  res: ServerResponse;
  signal: AbortSignal;
}

/** A handler either writes the response itself (files) and returns undefined, or returns a JSON body. */
export interface MediaRoute {
  method: Method;
  path: string;
  auth: 'required' | 'none';
  handler(ctx: MediaCtx): Promise<unknown> | unknown;
}

export const MEDIA_PREFIXES = ['/_matrix/media/', '/_matrix/client/v1/media/', '/_hearth/media/'];

export interface MediaDeps {
  routes: MediaRoute[];
  authenticate(accessToken: string): Requester | null;
  logger: Logger;
}

function authenticate(deps: MediaDeps, req: IncomingMessage, query: URLSearchParams, mode: string): Requester | null {
  if (mode === 'none') return null;
  const token = accessTokenOf(req, query);
  if (token === null) throw new HttpJsonError(401, 'M_MISSING_TOKEN', 'Missing access token');
  const who = deps.authenticate(token);
  if (!who) throw new HttpJsonError(401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token');
  return who;
}

async function dispatch(deps: MediaDeps, router: Router, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // HEAD is answered as GET without the body (node:http drops it).
  const method = req.method === 'HEAD' ? 'GET' : req.method ?? 'GET';
  const m = router.match(method, url.pathname);
  if (m.kind === 'none') throw new HttpJsonError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
  if (m.kind === 'bad_method') throw new HttpJsonError(405, 'M_UNRECOGNIZED', 'Unrecognized request');
  if (m.kind === 'bad_encoding') throw new HttpJsonError(400, 'M_INVALID_PARAM', 'Malformed percent-encoding in path');
  const route = m.route as unknown as MediaRoute;
  const requester = authenticate(deps, req, url.searchParams, route.auth);
  const result = await route.handler({ params: m.params, query: url.searchParams, requester, req, res, signal });
  if (result !== undefined) sendJson(res, 200, result);
}

/** Wraps the JSON pipeline: media paths are handled here, the rest (and OPTIONS) passed on. */
export function mediaListener(deps: MediaDeps, next: (req: IncomingMessage, res: ServerResponse) => void) {
  // The router only reads method and path; media routes carry their own handler type.
  const router = new Router(deps.routes as unknown as Route[]);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/';
    if (req.method === 'OPTIONS' || !MEDIA_PREFIXES.some((p) => path.startsWith(p))) return next(req, res);
    const abort = new AbortController();
    res.on('close', () => { if (!res.writableFinished) abort.abort(); });
    dispatch(deps, router, req, res, abort.signal).catch((err: unknown) => {
      const known = errorReply(err);
      if (!known) {
        deps.logger.error({ err, method: req.method, url: path.split('?')[0] }, 'media request failed');
        if (!res.headersSent) sendJson(res, 500, { errcode: 'M_UNKNOWN', error: 'Internal server error' });
        else res.destroy();
        return;
      }
      // An unread upload body is not drained; closing the connection discards it.
      if (!req.complete) res.setHeader('Connection', 'close');
      sendJson(res, known.status, known.body);
    });
  };
}
