// Starts the XMPP side on loopback ephemeral ports with an in-memory account store, for tests.
import { makeCredential, type ScramCredential } from '../../../src/core/accounts/scram.js';
import { startC2sListeners, type C2sListeners } from '../../../src/xmpp/listeners/c2s.js';
import { discoModule } from '../../../src/xmpp/modules/xep-0030-disco.js';
import { pingModule } from '../../../src/xmpp/modules/xep-0199-ping.js';
import { XmppServer } from '../../../src/xmpp/router.js';
import type { C2sAuthBackend } from '../../../src/xmpp/stream/types.js';
import { selfSigned, type TlsMaterial } from '../../../src/xmpp/tls/certificate.js';

export const DOMAIN = 'localhost';
const silent = { debug() {}, info() {}, warn() {} };

let tlsMaterial: Promise<TlsMaterial> | undefined;
/** One certificate per test process (generation costs a few ms, no need to repeat it). */
export function testTls(): Promise<TlsMaterial> {
  return (tlsMaterial ??= selfSigned([DOMAIN, '127.0.0.1']));
}

export class MemoryAuth implements C2sAuthBackend {
  private readonly creds = new Map<string, ScramCredential>();
  /** Every 'username/hash' asked for, to see which mechanism a client chose. */
  readonly lookups: string[] = [];
  async add(username: string, password: string): Promise<void> {
    for (const hash of ['sha1', 'sha256'] as const) this.creds.set(`${username}/${hash}`, await makeCredential(hash, password, 4096));
  }
  scramCredential(username: string, hash: 'sha1' | 'sha256'): ScramCredential | null {
    this.lookups.push(`${username}/${hash}`);
    return this.creds.get(`${username}/${hash}`) ?? null;
  }
}

export interface Harness {
  server: XmppServer;
  auth: MemoryAuth;
  listeners: C2sListeners;
  starttlsPort: number;
  tlsPort: number;
  close(): Promise<void>;
}

export async function startHarness(opts: { maxStanzaSize?: number; allowInsecureAuth?: boolean; negotiationTimeoutMs?: number } = {}): Promise<Harness> {
  const auth = new MemoryAuth();
  await auth.add('alice', 'wonderland');
  await auth.add('bob', 'builder');
  const server = new XmppServer({ domain: DOMAIN, logger: silent, userExists: (u) => auth.scramCredential(u, 'sha256') !== null });
  server.load(discoModule).load(pingModule);
  const listeners = await startC2sListeners({
    domain: DOMAIN,
    starttlsListen: '127.0.0.1:0',
    tlsListen: '127.0.0.1:0',
    tls: await testTls(),
    allowInsecureAuth: opts.allowInsecureAuth ?? false,
    maxStanzaSize: opts.maxStanzaSize ?? 64 * 1024,
    auth,
    host: server,
    logger: silent,
    negotiationTimeoutMs: opts.negotiationTimeoutMs,
  });
  return {
    server, auth, listeners,
    starttlsPort: listeners.addresses.starttls!.port,
    tlsPort: listeners.addresses.tls!.port,
    close: () => listeners.close(),
  };
}
