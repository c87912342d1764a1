// Dynamic client registration (RFC 7591) with the Matrix rules of spec v1.15 "Client metadata"
// and "Redirect URI validation": https client_uri, every other URI on its host or a subdomain,
// native apps' reverse-DNS private-use schemes and port-less loopback http. Pure: no storage.

export type ApplicationType = 'web' | 'native';

export interface ClientMetadata {
  client_uri: string;
  client_name?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  redirect_uris: string[];
  application_type: ApplicationType;
  token_endpoint_auth_method: 'none';
  response_types: string[];
  grant_types: string[];
}

/** An RFC 7591 §3.2.2 error: `invalid_redirect_uri` or `invalid_client_metadata`. */
export class RegistrationError extends Error {
  constructor(readonly error: 'invalid_redirect_uri' | 'invalid_client_metadata', readonly description: string) {
    super(description);
  }
}

const bad = (d: string) => new RegistrationError('invalid_client_metadata', d);
const badRedirect = (d: string) => new RegistrationError('invalid_redirect_uri', d);

function parse(uri: string): URL | null {
  try { return new URL(uri); } catch { return null; }
}

/** The host, or the host's subdomain: the spec's "common base" for the client's URIs. */
function onHost(host: string, base: string): boolean {
  return host === base || host.endsWith(`.${base}`);
}

/** An https URL without user or password (client_uri, tos_uri, policy_uri, logo_uri). */
function httpsUrl(uri: string, name: string): URL {
  const u = parse(uri);
  if (!u || u.protocol !== 'https:') throw bad(`${name} must be an https URL`);
  if (u.username !== '' || u.password !== '') throw bad(`${name} must not carry a user or password`);
  return u;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** One redirect URI under the rules for the client's application_type; throws invalid_redirect_uri. */
export function checkRedirectUri(uri: string, clientHost: string, type: ApplicationType): void {
  const u = parse(uri);
  if (!u) throw badRedirect(`not a URI: ${uri}`);
  if (uri.includes('#')) throw badRedirect('a redirect URI must not have a fragment');
  if (u.protocol === 'https:') {
    // Web clients, and native apps' claimed https URIs: the same rules.
    if (u.username !== '' || u.password !== '') throw badRedirect('a redirect URI must not carry a user or password');
    if (!onHost(u.hostname, clientHost)) throw badRedirect('a redirect URI must be on the client_uri host or a subdomain of it');
    return;
  }
  if (type !== 'native') throw badRedirect('a web client redirect URI must use https');
  if (u.protocol === 'http:') {
    if (!LOOPBACK.has(u.hostname)) throw badRedirect('an http redirect URI must be on localhost, 127.0.0.1 or [::1]');
    // The port is given at authorisation time; the registered URI must not fix one.
    const authority = /^http:\/\/([^/?]*)/i.exec(uri)?.[1]?.toLowerCase() ?? '';
    if (authority !== u.host.replace(/:\d*$/, '') || u.username !== '') throw badRedirect('a loopback redirect URI must not have a port or user');
    return;
  }
  // A private-use scheme: the client_uri host in reverse-DNS order, then optional ".more", no authority.
  const scheme = u.protocol.slice(0, -1);
  const reversed = clientHost.split('.').reverse().join('.');
  if (scheme !== reversed && !scheme.startsWith(`${reversed}.`)) {
    throw badRedirect(`a private-use URI scheme must start with ${reversed}`);
  }
  if (uri.slice(scheme.length + 1).startsWith('//')) throw badRedirect('a private-use URI must not have an authority');
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(`${key} must be a string`);
  return v;
}

function stringList(body: Record<string, unknown>, key: string, fallback: string[]): string[] {
  const v = body[key];
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw bad(`${key} must be an array of strings`);
  return v as string[];
}

/** The metadata Hearth registers for a registration request body; throws RegistrationError. */
export function validateClientMetadata(body: unknown): ClientMetadata {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const clientUriRaw = optionalString(b, 'client_uri');
  if (clientUriRaw === undefined) throw bad('client_uri is required');
  const clientUri = httpsUrl(clientUriRaw, 'client_uri');
  const host = clientUri.hostname;
  const out: ClientMetadata = {
    client_uri: clientUriRaw,
    redirect_uris: [],
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
  };
  const name = optionalString(b, 'client_name');
  if (name !== undefined) {
    if (name.length > 200) throw bad('client_name is too long');
    out.client_name = name;
  }
  for (const key of ['logo_uri', 'tos_uri', 'policy_uri'] as const) {
    const v = optionalString(b, key);
    if (v === undefined) continue;
    if (!onHost(httpsUrl(v, key).hostname, host)) throw bad(`${key} must be on the client_uri host or a subdomain of it`);
    out[key] = v;
  }
  const type = b.application_type ?? 'web';
  if (type !== 'web' && type !== 'native') throw bad('application_type must be web or native');
  out.application_type = type;
  const method = b.token_endpoint_auth_method ?? 'none';
  // Matrix clients are public clients; Hearth keeps no client secrets.
  if (method !== 'none') throw bad('token_endpoint_auth_method must be none');
  // Unknown values are ignored (spec); what is left must allow the authorisation code flow.
  const responseTypes = stringList(b, 'response_types', ['code']);
  if (!responseTypes.includes('code')) throw bad('response_types must include code');
  const grants = stringList(b, 'grant_types', ['authorization_code']);
  if (!grants.includes('authorization_code')) throw bad('grant_types must include authorization_code');
  out.grant_types = ['authorization_code', ...(grants.includes('refresh_token') ? ['refresh_token'] : [])];
  const redirects = stringList(b, 'redirect_uris', []);
  if (redirects.length === 0) throw badRedirect('redirect_uris must list at least one URI');
  if (redirects.length > 20) throw badRedirect('too many redirect_uris');
  for (const r of redirects) checkRedirectUri(r, host, out.application_type);
  out.redirect_uris = redirects;
  return out;
}

/**
 * The registered URI a request's redirect_uri matches, or null. Exact string match, except that
 * a registered loopback http URI matches the same URI with any port (RFC 8252 §7.3, spec).
 */
export function matchRedirectUri(requested: string, registered: readonly string[]): string | null {
  if (registered.includes(requested)) return requested;
  const m = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})([/?].*)?$/.exec(requested);
  if (!m || Number(m[2]) > 65535) return null;
  const portless = `http://${m[1]}${m[3] ?? ''}`;
  return registered.includes(portless) ? requested : null;
}
