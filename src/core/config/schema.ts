// The one source of every option and its default. docs/configuration.md and the README's table
// are written from this file; keep them in step.
import { z } from 'zod';
import { isValidServerName } from '../ids.js';
import { DEFAULT_DENIED_RANGES, isRange } from '../media/ip-policy.js';

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:8008')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be 0-65535');
const domain = z.string().refine(isValidServerName, 'expected a DNS name or IP literal');

/** A token bucket: refills `per_second`, holds at most `burst`. */
const rateBucket = (perSecond: number, burst: number) => z.strictObject({
  per_second: z.number().positive().max(1e6).default(perSecond),
  burst: z.number().int().min(1).max(1e6).default(burst),
}).prefault({});

export const configSchema = z.strictObject({
  /** The domain of every address here: @alice:SERVER_NAME and alice@SERVER_NAME. */
  server_name: domain.default('localhost'),
  /** Database, signing key, TLS certificate and media live here. */
  data_dir: z.string().min(1).default('./data'),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  matrix: z.strictObject({
    /** Client-Server API (plain HTTP; put a TLS reverse proxy in front for the internet). */
    client_listen: hostPort.default('127.0.0.1:8008'),
    /** Base URL clients are told in /.well-known/matrix/client; derived from client_listen when unset. */
    public_baseurl: z.url().nullable().default(null),
    /** Longest /sync long-poll a client may ask for, in milliseconds. */
    max_sync_timeout_ms: z.number().int().min(0).max(600000).default(30000),
    /** Largest request body accepted, in bytes. */
    max_request_bytes: z.number().int().min(65536).max(1 << 30).default(1048576),
    /** Presence (online, idle, offline) of Matrix users: shared with people in the same rooms. false switches it off. */
    presence: z.boolean().default(true),
    registration: z.strictObject({
      /** Lets people create accounts with POST /register. Closed by default: accounts come from `hearth user add`. */
      enabled: z.boolean().default(false),
      /** When registration is enabled, each registration must present a token (`hearth token add`). */
      require_token: z.boolean().default(false),
      /** Lifetime of access tokens given to clients that ask for a refresh token (spec "refresh_token"). */
      access_token_lifetime_ms: z.number().int().min(1000).max(7 * 86400000).default(300000),
    }).prefault({}),
    /** The OAuth 2.0 API (spec v1.15): Hearth as its own authorisation server. Off: password login only. */
    oauth: z.strictObject({
      enabled: z.boolean().default(false),
    }).prefault({}),
    /** Token buckets per account and per client address; 429 M_LIMIT_EXCEEDED when empty. */
    rate_limits: z.strictObject({
      /** false switches every limit off (benchmarks, tests of bulk traffic). */
      enabled: z.boolean().default(true),
      login: rateBucket(0.5, 10),
      registration: rateBucket(0.2, 5),
      message: rateBucket(20, 100),
    }).prefault({}),
  }).prefault({}),
  xmpp: z.strictObject({
    /** Client connections with STARTTLS (RFC 6120). null switches the listener off. */
    c2s_listen: hostPort.nullable().default('0.0.0.0:5222'),
    /** Client connections with direct TLS (XEP-0368). null switches the listener off. */
    c2s_tls_listen: hostPort.nullable().default('0.0.0.0:5223'),
    /** Group chat service: a room with alias #name:SERVER_NAME is name@MUC_DOMAIN. Default conference.SERVER_NAME. */
    muc_domain: domain.nullable().default(null),
    /** XEP-0363 HTTP upload service on the media store. Default upload.SERVER_NAME. */
    upload_domain: domain.nullable().default(null),
    /** Allow authentication without TLS. Refused unless every c2s listener is on loopback (tests, benchmarks). */
    allow_insecure_auth: z.boolean().default(false),
    /**
     * External components (XEP-0114: gateways, push app servers, bots) connect here. Plain TCP
     * (the protocol has no TLS): keep it on loopback or a private network. null (default) is off.
     */
    component_listen: hostPort.nullable().default(null),
    /** The components that may connect: each serves one domain, proven by its shared secret. */
    components: z.array(z.strictObject({
      domain,
      secret: z.string().min(16, 'a component secret needs at least 16 characters'),
    })).default([]),
    /** Largest stanza accepted, in bytes; larger ones end the stream with <policy-violation/>. */
    max_stanza_bytes: z.number().int().min(10000).max(16 * 1024 * 1024).default(262144),
    /** Messages kept for delivery at the next login when a user has no XMPP session. */
    offline_max_messages: z.number().int().min(0).max(100000).default(500),
    /**
     * XEP-0157 contact addresses shown in the server's service discovery: kind (abuse, admin,
     * feedback, sales, security, status, support) → URIs such as mailto:, xmpp: or https:.
     */
    contact_addresses: z.partialRecord(z.enum(['abuse', 'admin', 'feedback', 'sales', 'security', 'status', 'support']),
      z.array(z.string().min(1))).default({}),
    /**
     * XEP-0215 external services (STUN/TURN) offered to clients for calls. With `secret` (the
     * TURN server's static-auth-secret), each client gets time-limited credentials (TURN REST API).
     */
    external_services: z.array(z.strictObject({
      type: z.enum(['stun', 'stuns', 'turn', 'turns']),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).optional(),
      transport: z.enum(['udp', 'tcp']).optional(),
      secret: z.string().min(1).optional(),
      /** Lifetime of generated credentials, in seconds. */
      ttl_seconds: z.number().int().min(60).max(7 * 86400).default(86400),
    })).default([]),
    /** XEP-0077 in-band registration: lets anyone create an account from an XMPP client. Off by default. */
    registration: z.strictObject({
      enabled: z.boolean().default(false),
      /** Each in-band registration must first present a registration token (XEP-0445; `hearth token add`). */
      require_token: z.boolean().default(false),
    }).prefault({}),
    /** XMPP over WebSocket (RFC 7395) at /xmpp-websocket on the Matrix HTTP listener. */
    websocket: z.boolean().default(true),
    /**
     * Reverse proxies whose `X-Forwarded-Proto: https` is believed: a WebSocket through them
     * counts as encrypted. A loopback connection without that header counts as encrypted too.
     * Any other WebSocket is refused (403): it could never authenticate. Default: loopback only.
     */
    websocket_trusted_proxies: z.array(z.string().min(1)).default(['127.0.0.1', '::1', '::ffff:127.0.0.1']),
  }).prefault({}),
  media: z.strictObject({
    /** Largest file accepted by the media repository and XMPP HTTP upload, in bytes. */
    max_upload_bytes: z.number().int().min(1024).max(2 ** 40).default(52428800),
    /** Total bytes one user may have uploaded; null: no quota. */
    user_quota_bytes: z.number().int().min(0).max(2 ** 50).nullable().default(1073741824),
    /** URL previews (/preview_url): the server fetches URLs clients ask about. Off by default. */
    url_previews: z.boolean().default(false),
    /** Addresses previews may not fetch from (IP addresses or CIDR ranges); default: all non-public ones. */
    url_preview_deny_ips: z.array(z.string().refine(isRange, 'must be an IP address or CIDR range')).default([...DEFAULT_DENIED_RANGES]),
    /** Exceptions to the deny list (e.g. 127.0.0.1 for tests, or an intranet's range). */
    url_preview_allow_ips: z.array(z.string().refine(isRange, 'must be an IP address or CIDR range')).default([]),
    /** Largest page or image a preview downloads, in bytes. */
    url_preview_max_bytes: z.number().int().min(1024).max(2 ** 31).default(10485760),
    /** Longest a preview's fetch (all redirects included) may take. */
    url_preview_timeout_ms: z.number().int().min(100).max(120000).default(10000),
    /** Redirects a preview follows before giving up. */
    url_preview_max_redirects: z.number().int().min(0).max(20).default(5),
    /** How long a preview is kept and given again for the same URL. */
    url_preview_cache_ms: z.number().int().min(0).max(604800000).default(3600000),
  }).prefault({}),
  accounts: z.strictObject({
    /** PBKDF2 iterations of new SCRAM credentials (RFC 7677 asks for at least 4096). */
    scram_iterations: z.number().int().min(4096).max(1000000).default(10000),
  }).prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** The config with the derived defaults filled in. */
export interface ResolvedConfig extends Config {
  mucDomain: string;
  /** The XEP-0363 upload service JID (xmpp.upload_domain or upload.SERVER_NAME). */
  uploadDomain: string;
  publicBaseUrl: string;
}
