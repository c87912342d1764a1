// Fetching a URL for a preview, guarded: http(s) only, every address checked against the IP
// policy at connection time (the DNS answer is filtered in the socket's own lookup, so a name
// cannot resolve to one address for the check and another for the connection), a bounded
// number of redirects, one deadline for the whole fetch, and a size limit counted as bytes arrive.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { IpPolicy } from '../../core/media/ip-policy.js';

export type PreviewFailure = 'bad_url' | 'forbidden' | 'too_large' | 'failed';

export class PreviewError extends Error {
  constructor(readonly kind: PreviewFailure, message: string) { super(message); }
}

export interface FetchLimits {
  policy: IpPolicy;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export interface Fetched { url: URL; contentType: string; charset: string | undefined; body: Buffer }

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A URL previews may ask for: absolute http(s), no credentials. */
export function previewableUrl(raw: string, base?: URL): URL {
  let url: URL;
  try { url = new URL(raw, base); } catch { throw new PreviewError('bad_url', 'Not a valid URL'); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PreviewError('bad_url', 'Only http and https URLs can be previewed');
  if (url.username || url.password) throw new PreviewError('bad_url', 'URLs with credentials are not previewed');
  return url;
}

function guardedLookup(policy: IpPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addrs: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const permitted = addrs.filter((a) => policy.permits(a.address));
      if (permitted.length === 0) return callback(new PreviewError('forbidden', `${hostname} resolves only to addresses previews may not fetch`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, permitted);
      callback(null, permitted[0].address, permitted[0].family);
    });
  };
}

/** One request; resolves with the response or rejects with a PreviewError. */
function get(url: URL, limits: FetchLimits, accept: string, signal: AbortSignal): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !limits.policy.permits(host)) {
    return Promise.reject(new PreviewError('forbidden', `${host} is an address previews may not fetch`));
  }
  const opts: RequestOptions = {
    method: 'GET', signal, lookup: guardedLookup(limits.policy),
    headers: { 'user-agent': 'Hearth URL preview (Matrix homeserver)', accept, 'accept-encoding': 'identity' },
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, opts, resolve);
    req.on('error', (e) => reject(e instanceof PreviewError ? e : new PreviewError('failed', `Could not fetch the URL: ${e.message}`)));
    req.end();
  });
}

async function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new PreviewError('too_large', `The content is larger than ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.destroy();
      throw new PreviewError('too_large', `The content is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Fetches `start`, following redirects, within the limits; `accept` is sent as the Accept header. */
export async function guardedFetch(start: URL, limits: FetchLimits, accept: string): Promise<Fetched> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), limits.timeoutMs);
  try {
    let url = start;
    for (let hop = 0; ; hop++) {
      const res = await get(url, limits, accept, timeout.signal);
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        res.resume();
        const location = res.headers.location;
        if (!location) throw new PreviewError('failed', `The server answered ${status} without a Location`);
        if (hop >= limits.maxRedirects) throw new PreviewError('failed', `More than ${limits.maxRedirects} redirects`);
        url = previewableUrl(location, url);
        continue;
      }
      if (status < 200 || status > 299) {
        res.resume();
        throw new PreviewError('failed', `The server answered ${status}`);
      }
      const contentType = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      return { url, contentType, charset: charsetOf(res), body: await readBody(res, limits.maxBytes) };
    }
  } catch (e) {
    if (timeout.signal.aborted && !(e instanceof PreviewError && e.kind !== 'failed')) {
      throw new PreviewError('failed', `No complete answer within ${limits.timeoutMs} ms`);
    }
    throw e instanceof PreviewError ? e : new PreviewError('failed', `Could not fetch the URL: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

function charsetOf(res: IncomingMessage): string | undefined {
  return /charset\s*=\s*"?([\w.:-]+)/i.exec(String(res.headers['content-type'] ?? ''))?.[1];
}
