// The authorisation server metadata (spec oauth_server_metadata.yaml, RFC 8414 fields).

export const OAUTH_PREFIX = '/_hearth/oauth2';

export function endpointUrl(baseUrl: string, name: 'register' | 'authorize' | 'token' | 'revoke' | 'keys'): string {
  return `${baseUrl.replace(/\/$/, '')}${OAUTH_PREFIX}/${name}`;
}

export function authMetadata(baseUrl: string): Record<string, unknown> {
  return {
    issuer: `${baseUrl.replace(/\/$/, '')}/`,
    authorization_endpoint: endpointUrl(baseUrl, 'authorize'),
    token_endpoint: endpointUrl(baseUrl, 'token'),
    registration_endpoint: endpointUrl(baseUrl, 'register'),
    revocation_endpoint: endpointUrl(baseUrl, 'revoke'),
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    response_modes_supported: ['query', 'fragment'],
    code_challenge_methods_supported: ['S256'],
    // Public clients only (spec: `none` is required).
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    // OpenID Connect, for clients that ask for `openid` (id-token.ts).
    jwks_uri: endpointUrl(baseUrl, 'keys'),
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['public'],
  };
}
