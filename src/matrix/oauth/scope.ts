// Scope parsing (spec "Scope", MSC2967): full API access plus exactly one device id token.
// The MSC's unstable prefix is accepted too: matrix-js-sdk (Element Web) still sends it.

const PREFIXES = ['urn:matrix:client:', 'urn:matrix:org.matrix.msc2967.client:'];
// RFC 6749 §3.3 scope-token characters.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
// The spec lets the server refuse device ids outside RFC 3986 unreserved or too short to be unique.
const DEVICE_ID = /^[A-Za-z0-9\-._~]{10,255}$/;

export type ScopeResult = { ok: true; deviceId: string; scope: string; openid: boolean } | { ok: false; description: string };

function matrixPart(token: string): string | null {
  const p = PREFIXES.find((x) => token.startsWith(x));
  return p === undefined ? null : token.slice(p.length);
}

/**
 * The device the scope allocates and the scope granted: the Matrix tokens as the client spelt
 * them, and `openid` (an ID token, id-token.ts). Other tokens are not granted and not an error
 * (RFC 6749 §3.3 lets the server grant less than asked).
 */
export function parseScope(scope: string | null): ScopeResult {
  if (scope === null || scope.trim() === '') return { ok: false, description: 'scope is required' };
  const tokens = scope.split(' ').filter((t) => t !== '');
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) return { ok: false, description: 'scope has invalid characters' };
  const api = tokens.filter((t) => matrixPart(t) === 'api:*');
  if (api.length === 0) return { ok: false, description: 'scope must include urn:matrix:client:api:*' };
  const devices = tokens.filter((t) => matrixPart(t)?.startsWith('device:'));
  if (devices.length !== 1) return { ok: false, description: 'scope must hold exactly one urn:matrix:client:device: token' };
  const deviceId = matrixPart(devices[0]!)!.slice('device:'.length);
  if (!DEVICE_ID.test(deviceId)) return { ok: false, description: 'the device id must be 10 or more unreserved characters' };
  const unknownMatrix = tokens.find((t) => matrixPart(t) !== null && !api.includes(t) && t !== devices[0]);
  if (unknownMatrix) return { ok: false, description: `unknown scope ${unknownMatrix}` };
  const openid = tokens.includes('openid');
  return { ok: true, deviceId, scope: `${openid ? 'openid ' : ''}${api[0]} ${devices[0]}`, openid };
}

/** The scope to report on a refresh: the stable spelling. */
export function deviceScope(deviceId: string): string {
  return `urn:matrix:client:api:* urn:matrix:client:device:${deviceId}`;
}
