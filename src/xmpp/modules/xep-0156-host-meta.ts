// XEP-0156 connection discovery over HTTPS: /.well-known/host-meta (XRD, RFC 6415) and its JSON
// form host-meta.json (JRD) tell a web client where the XMPP WebSocket endpoint is.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeAttr } from '../xml/element.js';

export const HOST_META_PATH = '/.well-known/host-meta';
export const HOST_META_JSON_PATH = '/.well-known/host-meta.json';
export const REL_WEBSOCKET = 'urn:xmpp:alt-connections:websocket';
const NS_XRD = 'http://docs.oasis-open.org/ns/xri/xrd-1.0';

export function hostMetaXml(websocketUrl: string): string {
  return `<?xml version='1.0' encoding='utf-8'?>\n<XRD xmlns='${NS_XRD}'>\n`
    + `  <Link rel='${REL_WEBSOCKET}' href='${escapeAttr(websocketUrl)}'/>\n</XRD>\n`;
}

export function hostMetaJson(websocketUrl: string): string {
  return JSON.stringify({ links: [{ rel: REL_WEBSOCKET, href: websocketUrl }] });
}

/** ws:// or wss:// for a public HTTP(S) base URL, at the WebSocket path. */
export function websocketUrlFor(publicBaseUrl: string, path: string): string {
  const u = new URL(publicBaseUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = path;
  u.search = '';
  u.hash = '';
  return u.toString();
}

/**
 * The HTTP handler for both documents. Browser clients fetch them from another origin, hence
 * CORS (XEP-0156 §3.3); only GET and HEAD are served.
 */
export function hostMetaHandler(websocketUrl: () => string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...cors, Allow: 'GET, HEAD, OPTIONS', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const json = (req.url ?? '').split('?')[0] === HOST_META_JSON_PATH;
    const body = json ? hostMetaJson(websocketUrl()) : hostMetaXml(websocketUrl());
    res.writeHead(200, {
      ...cors,
      'Content-Type': json ? 'application/json' : 'application/xrd+xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
