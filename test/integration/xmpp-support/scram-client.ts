// A minimal SCRAM client for tests (RFC 5802): drives the server side through a whole exchange.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

export type Hash = 'sha1' | 'sha256';

export class ScramClient {
  readonly clientFirstBare: string;
  private serverSignature: Buffer | null = null;

  constructor(private readonly hash: Hash, private readonly username: string, private readonly password: string,
    private readonly nonce = randomBytes(12).toString('base64'), private readonly gs2 = 'n,,',
    /** Channel binding data for a 'p=<type>' gs2 header (SCRAM -PLUS, RFC 5802 §6). */
    private readonly cbData: Buffer = Buffer.alloc(0)) {
    this.clientFirstBare = `n=${username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.nonce}`;
  }

  first(): string {
    return this.gs2 + this.clientFirstBare;
  }

  final(serverFirst: string): string {
    const attrs = Object.fromEntries(serverFirst.split(',').map((p) => [p[0], p.slice(2)]));
    const salted = pbkdf2Sync(this.password, Buffer.from(attrs.s!, 'base64'), Number(attrs.i), this.hash === 'sha1' ? 20 : 32, this.hash);
    const clientKey = createHmac(this.hash, salted).update('Client Key').digest();
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=${Buffer.concat([Buffer.from(this.gs2), this.cbData]).toString('base64')},r=${attrs.r}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = createHmac(this.hash, storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    const serverKey = createHmac(this.hash, salted).update('Server Key').digest();
    this.serverSignature = createHmac(this.hash, serverKey).update(authMessage).digest();
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** True when the server-final message proves the server knew the credential. */
  verify(serverFinal: string): boolean {
    return serverFinal === `v=${this.serverSignature?.toString('base64')}`;
  }
}
